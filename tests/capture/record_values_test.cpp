// Record values read both ways: what replay writes into a record decodes to the fd it came from.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include "sensor/capture/record_values.h"

using namespace sensor::capture;
using sensor::state::FdType;
using sensor::state::L4Proto;

TEST(RecordValues, FileKindsRoundTripThroughTheMode) {
    for (FdType t : {FdType::File, FdType::Directory, FdType::Pipe})
        EXPECT_EQ(fd_type_of_mode(mode_of_fd_type(t)), t);
    EXPECT_EQ(fd_type_of_mode(S_IFDIR | 0755), FdType::Directory);
    EXPECT_EQ(fd_type_of_mode(S_IFCHR), FdType::File);
    // Sockets are typed by their family, not their mode.
    EXPECT_EQ(mode_of_fd_type(FdType::Ipv4), static_cast<uint32_t>(S_IFSOCK));
    EXPECT_EQ(fd_type_of_mode(S_IFSOCK), FdType::Unknown);
}

TEST(RecordValues, SocketKindsRoundTripThroughTheFamily) {
    for (FdType t : {FdType::Unix, FdType::Ipv4, FdType::Ipv6, FdType::Netlink})
        EXPECT_EQ(fd_type_of_family(family_of_fd_type(t)), t);
    EXPECT_EQ(family_of_fd_type(FdType::Ipv6), AF_INET6);
    EXPECT_EQ(family_of_fd_type(FdType::File), 0);
    EXPECT_EQ(fd_type_of_family(AF_PACKET), FdType::Unknown);
    EXPECT_EQ(sockfamily_of(FdType::Ipv6), "ip");
    EXPECT_EQ(sockfamily_of(FdType::Unix), "unix");
    EXPECT_EQ(sockfamily_of(FdType::Netlink), "");
}

TEST(RecordValues, L4ProtocolsRoundTripThroughTheIpProtocol) {
    for (L4Proto p : {L4Proto::Tcp, L4Proto::Udp, L4Proto::Icmp, L4Proto::Raw})
        EXPECT_EQ(l4proto_of_ip_proto(ip_proto_of_l4proto(p)), p);
    EXPECT_EQ(l4proto_of_ip_proto(132 /* SCTP */), L4Proto::Raw);
}
