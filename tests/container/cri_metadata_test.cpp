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

TEST(CriMetadata, PropagationAsFalcoNamesIt) {
    EXPECT_STREQ(propagation_name(0), "private");
    EXPECT_STREQ(propagation_name(1), "rslave");
    EXPECT_STREQ(propagation_name(2), "rshared");
    EXPECT_STREQ(propagation_name(7), "unknown");
}

// PodSandboxStatus(verbose) info as containerd 1.6 gives it for a pod on a CNI bridge
// (shortened config and runtimeSpec; cniResult as the CRI plugin serializes gocni's Result).
constexpr const char* kContainerdSandboxInfo = R"({
  "pid": 4242, "processStatus": "running", "netNamespaceClosed": false,
  "image": "docker.io/local/busybox:latest", "snapshotKey": "a1b2", "snapshotter": "overlayfs",
  "runtimeHandler": "", "runtimeType": "io.containerd.runc.v2", "runtimeOptions": null,
  "config": {"metadata": {"name": "web-pod", "uid": "u-1", "namespace": "shop"},
             "linux": {"cgroup_parent": "/kubepods/besteffort/podu-1"}},
  "runtimeSpec": {"ociVersion": "1.0.2-dev", "annotations": {"io.kubernetes.cri.sandbox-id": "a1b2"}},
  "cniResult": {
    "Interfaces": {
      "eth0": {"IPConfigs": [{"IP": "10.89.0.5", "Gateway": "10.89.0.1"}],
               "Mac": "3a:5e:9b:10:22:01", "Sandbox": "/var/run/netns/cni-1234"},
      "lo": {"IPConfigs": [{"IP": "127.0.0.1", "Gateway": ""}], "Mac": "00:00:00:00:00:00",
             "Sandbox": "/var/run/netns/cni-1234"},
      "sensorbr0": {"IPConfigs": null, "Mac": "6e:10:22:33:44:55", "Sandbox": ""},
      "veth9f3c2a1b": {"IPConfigs": null, "Mac": "ae:01:02:03:04:05", "Sandbox": ""}
    },
    "DNS": [{}, {}], "Routes": null
  }
})";

TEST(CriMetadata, CniJsonFromContainerdSandboxInfoKeepsThePodsInterfaces) {
    EXPECT_EQ(cni_json_from_sandbox_info(kContainerdSandboxInfo),
              R"({"eth0":{"IPConfigs":[{"Gateway":"10.89.0.1","IP":"10.89.0.5"}]},)"
              R"("sensorbr0":{"IPConfigs":null}})");
}

TEST(CriMetadata, CniJsonFromCrioAnnotationAndNothingOtherwise) {
    // CRI-O keeps the CNI result as an annotation of the sandbox's runtime spec.
    EXPECT_EQ(cni_json_from_sandbox_info(
                  R"({"runtimeSpec":{"annotations":{"io.kubernetes.cri-o.CNIResult":)"
                  R"("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.85.0.4/16\"}]}"}}})"),
              R"({"cniVersion":"1.0.0","ips":[{"address":"10.85.0.4/16"}]})");
    // Host-network pods have no CNI result (containerd writes null).
    EXPECT_EQ(cni_json_from_sandbox_info(R"({"pid":1,"cniResult":null,"runtimeSpec":{}})"), "");
    EXPECT_EQ(cni_json_from_sandbox_info("{not json"), "");
    // Bounded as Falco bounds it.
    std::string big = R"({"cniResult":{"Interfaces":{"eth0":{"IPConfigs":[)";
    for (int i = 0; i < 300; ++i)
        big += std::string(i ? "," : "") + R"({"IP":"10.0.0.1","Gateway":"10.0.0.254"})";
    big += "]}}}}";
    EXPECT_EQ(cni_json_from_sandbox_info(big).size(), 4096u);
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
