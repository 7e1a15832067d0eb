// The state records' name tables read both ways, and the socket tuple as fd.name shows it.
#include <gtest/gtest.h>

#include "sensor/state/image_name.h"
#include "sensor/state/records.h"

using namespace sensor::state;

TEST(StateRecords, FdTypeAndL4ProtoNamesReadBack) {
    for (int t = 0; t <= static_cast<int>(FdType::Pidfd); ++t) {
        auto type = static_cast<FdType>(t);
        EXPECT_EQ(fd_type_from_name(fd_type_name(type)), type) << fd_type_name(type);
    }
    EXPECT_EQ(fd_type_from_name("socket"), std::nullopt);
    EXPECT_EQ(l4proto_from_name("tcp"), L4Proto::Tcp);
    EXPECT_EQ(l4proto_from_name("raw"), L4Proto::Raw);
    EXPECT_EQ(l4proto_from_name("sctp"), std::nullopt);
}

TEST(StateRecords, TupleNameIsClientThenServer) {
    FdInfo f;
    f.cip = *IpAddr::parse("10.0.0.2");
    f.cport = 5555;
    f.sip = *IpAddr::parse("fd00::1");
    f.sport = 443;
    f.name_by_tuple();
    EXPECT_EQ(f.name, "10.0.0.2:5555->fd00::1:443");
}

TEST(StateRecords, ImageNameSplitsRepositoryTagAndDigest) {
    ImageName n = parse_image_name("registry.local:5000/team/app:v2@sha256:abcd");
    EXPECT_EQ(n.repository, "registry.local:5000/team/app");
    EXPECT_EQ(n.tag, "v2");
    EXPECT_EQ(n.digest, "sha256:abcd");
    EXPECT_EQ(parse_image_name("registry.local:5000/team/app").tag, "");
}
