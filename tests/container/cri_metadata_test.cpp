// What CRI runtimes report, turned into Falco's container field values.
#include "sensor/container/cri_metadata.h"

#include <gtest/gtest.h>

using namespace sensor::container;

TEST(CriMetadata, ImageNamesSplitIntoRepositoryTagAndDigest) {
    auto n = parse_image_name("docker.io/library/nginx:1.25");
    EXPECT_EQ(n.repository, "docker.io/library/nginx");
    EXPECT_EQ(n.tag, "1.25");
    EXPECT_EQ(n.digest, "");
    n = parse_image_name("registry.local:5000/team/app:v2@sha256:abcd");
    EXPECT_EQ(n.repository, "registry.local:5000/team/app");
    EXPECT_EQ(n.tag, "v2");
    EXPECT_EQ(n.digest, "sha256:abcd");
    n = parse_image_name("registry.local:5000/team/app");  // a port is not a tag
    EXPECT_EQ(n.repository, "registry.local:5000/team/app");
    EXPECT_EQ(n.tag, "");
    n = parse_image_name("quay.io/x/y@sha256:ff");
    EXPECT_EQ(n.repository, "quay.io/x/y");
    EXPECT_EQ(n.tag, "");
    EXPECT_EQ(n.digest, "sha256:ff");
}

TEST(CriMetadata, ShortImageIdIsTwelveHexDigits) {
    EXPECT_EQ(
        short_image_id("sha256:119e625ad948562d448d3319815728cb3a3a10a1e4369dd223e5883a5731a763"),
        "119e625ad948");
    EXPECT_EQ(short_image_id("119e625ad948562d448d"), "119e625ad948");
    EXPECT_EQ(short_image_id("docker.io/library/nginx:1.25"), "");
    EXPECT_EQ(short_image_id("sha256:12"), "");
}

TEST(CriMetadata, MountsRenderAsFalcoDoes) {
    EXPECT_EQ(render_mounts({{"/var/log", "/logs", true, 0}, {"/data", "/data", false, 2}}),
              "/var/log:/logs::false:private,/data:/data::true:rshared");
    EXPECT_EQ(render_mounts({}), "");
}

TEST(CriMetadata, PrivilegedFromTheVerboseInfoOfEachRuntime) {
    // containerd: the container's CRI config, proto3 JSON (false booleans left out).
    EXPECT_EQ(privileged_from_info(
                  R"({"pid":42,"config":{"linux":{"security_context":{"privileged":true}}}})"),
              1);
    EXPECT_EQ(privileged_from_info(
                  R"({"pid":42,"config":{"linux":{"security_context":{"namespace_options":{}}}}})"),
              0);
    // CRI-O: at the top.
    EXPECT_EQ(privileged_from_info(R"({"privileged":false,"pid":7})"), 0);
    EXPECT_EQ(privileged_from_info(R"({"pid":7})"), -1);
    EXPECT_EQ(privileged_from_info("not json"), -1);
}
