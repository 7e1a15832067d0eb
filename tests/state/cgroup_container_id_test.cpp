// container.id from cgroup paths: one realistic sample per runtime layout, the host cases, and
// whole /proc/<pid>/cgroup files.
#include "sensor/state/cgroup_container_id.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using sensor::state::ContainerRuntime;
using sensor::state::match_cgroup_path;
using sensor::state::match_proc_cgroup_file;

namespace {

const std::string kId1 = "f095fab53596a8eecde1ce6e536aa5b7cf9af16c3cebda7d89ab087e5cff634f";
const std::string kId2 = "ec0a87c40b307ad213e236370f2ad786a5184877ac4ff8b5bea427fc5e96ef78";
const std::string kId3 = "700d38970e548f1f346a166a5a226061d734cdcc38c690a7510fde140da61733";
const std::string kId4 = "87d54fa3b87fc2340409efacd6ab8205b1a6c4c150316c813b21397269465420";
const std::string kId5 = "e98e3380dee8df201e4198c5f0f9d1caff41b4c4d1d735ed806e7c50d7bb27bc";
const std::string kPodUid = "7524514c-d741-45ff-83b8-5a1e62d0507b";
const std::string kPodUidSystemd = "7524514c_d741_45ff_83b8_5a1e62d0507b";

struct Sample {
    std::string path;
    std::string full_id;  // "" = host
    ContainerRuntime runtime;
};

std::vector<Sample> samples() {
    using R = ContainerRuntime;
    const std::string burstable =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kPodUidSystemd +
        ".slice";
    return {
        // docker, cgroupfs and systemd drivers
        {"/docker/" + kId1, kId1, R::Docker},
        {"/system.slice/docker-" + kId2 + ".scope", kId2, R::Docker},
        // containerd through CRI, systemd driver
        {burstable + "/cri-containerd-" + kId3 + ".scope", kId3, R::Containerd},
        {"/kubepods.slice/kubepods-pod" + kPodUidSystemd + ".slice/cri-containerd-" + kId3 +
             ".scope",
         kId3, R::Containerd},
        // containerd without SystemdCgroup: path as systemd sees it, but ':'-joined
        {"/system.slice/containerd.service/kubepods-burstable-pod" + kPodUidSystemd +
             ".slice:cri-containerd:" + kId4,
         kId4, R::Containerd},
        // CRI-O, systemd and cgroupfs
        {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kPodUidSystemd +
             ".slice/crio-" + kId5 + ".scope",
         kId5, R::CriO},
        {"/crio-" + kId5, kId5, R::CriO},
        // kubepods with the cgroupfs driver: the bare id is taken by docker's "/" layout first
        {"/kubepods/burstable/pod" + kPodUid + "/" + kId1, kId1, R::Docker},
        {"/kubepods/besteffort/pod" + kPodUid + "/" + kId2, kId2, R::Docker},
        {"/kubepods/pod" + kPodUid + "/" + kId3, kId3, R::Docker},
        // podman: rootful, with the inner "container" cgroup, payload, rootless
        {"/machine.slice/libpod-" + kId4 + ".scope", kId4, R::Podman},
        {"/machine.slice/libpod-" + kId4 + ".scope/container", kId4, R::Podman},
        {"/machine.slice/libpod-payload-" + kId5, kId5, R::Podman},
        {"/machine.slice/libpod-payload-" + kId5 + ".scope", kId5, R::Podman},
        {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId1 + ".scope", kId1,
         R::Podman},
        // nerdctl
        {"/system.slice/nerdctl-" + kId2 + ".scope", kId2, R::Containerd},
        // ctr: /<namespace>/<id>, any id length
        {"/default/" + kId3, kId3, R::Docker},  // a 64-hex id is docker's "/" layout first
        {"/default/redis-server", "redis-server", R::Containerd},
        {"/k8s.io/my_ctr.1", "my_ctr.1", R::Containerd},
        {"/buildkit/k0x4qz2w9v7mn3", "k0x4qz2w9v7mn3", R::Containerd},
        // hosts
        {"/", "", R::None},
        {"", "", R::None},
        {"/init.scope", "", R::None},
        {"/system.slice/sshd.service", "", R::None},
        {"/system.slice/docker.service", "", R::None},
        {"/system.slice/containerd.service", "", R::None},
        {"/user.slice/user-1000.slice/session-3.scope", "", R::None},
        {"/user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service", "", R::None},
        {"/kubepods.slice/kubepods-burstable.slice", "", R::None},
        {burstable, "", R::None},
        {"/system.slice/foo.service/sub", "", R::None},  // nested host cgroup, not ctr
        // almost-ids: 63 and 65 hex characters, non-hex, upper-case hex accepted
        {"/system.slice/docker-" + kId1.substr(1) + ".scope", "", R::None},
        // ... but under a ctr-like /<ns>/ any shorter id is accepted, as in Falco
        {"/docker/" + kId1.substr(1), kId1.substr(1), R::Containerd},
        {"/system.slice/docker-" + kId1 + "a.scope", "", R::None},
        {"/system.slice/docker-" + kId1.substr(0, 63) + "g.scope", "", R::None},
        {"/docker/F095FAB53596A8EECDE1CE6E536AA5B7CF9AF16C3CEBDA7D89AB087E5CFF634F",
         "F095FAB53596A8EECDE1CE6E536AA5B7CF9AF16C3CEBDA7D89AB087E5CFF634F", R::Docker},
    };
}

TEST(CgroupContainerId, EveryLayout) {
    for (const Sample& s : samples()) {
        SCOPED_TRACE(s.path);
        auto m = match_cgroup_path(s.path);
        EXPECT_EQ(m.full_id, s.full_id);
        EXPECT_EQ(m.runtime, s.runtime);
        EXPECT_EQ(m.is_host(), s.full_id.empty());
        EXPECT_EQ(m.id, s.full_id.substr(0, 12));
    }
}

TEST(CgroupContainerId, RuntimeNames) {
    EXPECT_EQ(sensor::state::runtime_name(ContainerRuntime::Docker), "docker");
    EXPECT_EQ(sensor::state::runtime_name(ContainerRuntime::Containerd), "containerd");
    EXPECT_EQ(sensor::state::runtime_name(ContainerRuntime::CriO), "cri-o");
    EXPECT_EQ(sensor::state::runtime_name(ContainerRuntime::Podman), "podman");
    EXPECT_EQ(sensor::state::runtime_name(ContainerRuntime::None), "");
}

TEST(CgroupContainerId, ProcCgroupV1File) {
    std::string file = "12:hugetlb:/docker/" + kId1 + "\n" + "11:memory:/docker/" + kId1 + "\n" +
                       "10:cpu,cpuacct:/docker/" + kId1 + "\n" + "2:cpuset:/docker/" + kId1 + "\n" +
                       "1:name=systemd:/docker/" + kId1 + "\n" +
                       "0::/system.slice/containerd.service\n";
    auto m = match_proc_cgroup_file(file);
    EXPECT_EQ(m.full_id, kId1);
    EXPECT_EQ(m.id, "f095fab53596");
    EXPECT_EQ(m.runtime, ContainerRuntime::Docker);
}

TEST(CgroupContainerId, ProcCgroupV1ContainerInOneHierarchyOnly) {
    // The first lines are host paths; the container shows up in a later hierarchy.
    std::string file = "5:devices:/\n4:pids:/user.slice/user-1000.slice/session-3.scope\n" +
                       std::string("3:memory:/kubepods/besteffort/pod") + kPodUid + "/" + kId2 +
                       "\n";
    EXPECT_EQ(match_proc_cgroup_file(file).full_id, kId2);
}

TEST(CgroupContainerId, ProcCgroupV2File) {
    std::string cri = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                      kPodUidSystemd + ".slice/cri-containerd-" + kId3 + ".scope\n";
    auto m = match_proc_cgroup_file(cri);
    EXPECT_EQ(m.full_id, kId3);
    EXPECT_EQ(m.runtime, ContainerRuntime::Containerd);
    // The path after "0::" keeps its own colons.
    std::string nosystemd = "0::/system.slice/containerd.service/kubepods-pod" + kPodUidSystemd +
                            ".slice:cri-containerd:" + kId4;
    EXPECT_EQ(match_proc_cgroup_file(nosystemd).full_id, kId4);
    EXPECT_TRUE(
        match_proc_cgroup_file("0::/user.slice/user-1000.slice/session-3.scope\n").is_host());
    EXPECT_TRUE(match_proc_cgroup_file("0::/\n").is_host());
    EXPECT_TRUE(match_proc_cgroup_file("").is_host());
    EXPECT_TRUE(match_proc_cgroup_file("garbage without colons\n").is_host());
}

}  // namespace
