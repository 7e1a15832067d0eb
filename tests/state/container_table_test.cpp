// The container table: containers interned from cgroup paths and /proc/<pid>/cgroup files.
#include "sensor/state/container_table.h"

#include <gtest/gtest.h>

#include <string>

using sensor::state::ContainerTable;

namespace {

const std::string kId1 = "f095fab53596a8eecde1ce6e536aa5b7cf9af16c3cebda7d89ab087e5cff634f";
const std::string kId2 = "ec0a87c40b307ad213e236370f2ad786a5184877ac4ff8b5bea427fc5e96ef78";
const std::string kId5 = "e98e3380dee8df201e4198c5f0f9d1caff41b4c4d1d735ed806e7c50d7bb27bc";
const std::string kPodUid = "7524514c-d741-45ff-83b8-5a1e62d0507b";

TEST(CgroupContainerTable, InternsContainersAndCachesPaths) {
    ContainerTable t;
    const std::string p1 = "/system.slice/docker-" + kId2 + ".scope";
    auto* c1 = t.from_cgroup_path(p1);
    ASSERT_NE(c1, nullptr);
    EXPECT_EQ(c1->id, "ec0a87c40b30");
    EXPECT_EQ(c1->full_id, kId2);
    EXPECT_EQ(c1->type, "docker");
    EXPECT_FALSE(c1->is_host());
    EXPECT_EQ(t.cache_misses(), 1u);

    EXPECT_EQ(t.from_cgroup_path(p1), c1);  // same object, from the path cache
    EXPECT_EQ(t.cache_hits(), 1u);
    EXPECT_EQ(t.cache_misses(), 1u);

    // A different path naming the same container (another hierarchy) shares the object.
    EXPECT_EQ(t.from_cgroup_path("/docker/" + kId2), c1);
    EXPECT_EQ(t.container_count(), 2u);  // host + one

    auto* host = t.from_cgroup_path("/user.slice/user-1000.slice/session-3.scope");
    EXPECT_EQ(host, t.host());
    EXPECT_TRUE(host->is_host());
    EXPECT_EQ(host->id, "host");
    EXPECT_EQ(t.find(kId2), c1);
    EXPECT_EQ(t.find("host"), t.host());
    EXPECT_EQ(t.find(kId1), nullptr);
}

TEST(CgroupContainerTable, DriverCgroupsParamAndProcFile) {
    ContainerTable t;
    // The driver's parameter: NUL-terminated "subsys=/path" entries.
    std::string param;
    for (const char* sub : {"cpuset", "cpu", "cpuacct", "io", "memory"}) {
        param += sub;
        param += "=/kubepods/burstable/pod" + kPodUid + "/" + kId5;
        param += '\0';
    }
    auto* c = t.from_cgroups_param(param);
    EXPECT_EQ(c->full_id, kId5);
    EXPECT_EQ(
        t.from_proc_cgroup_file("4:memory:/kubepods/burstable/pod" + kPodUid + "/" + kId5 + "\n"),
        c);
    std::string host_param = std::string("cpuset=/\0cpu=/\0memory=/init.scope\0", 34);
    EXPECT_EQ(t.from_cgroups_param(host_param), t.host());
    EXPECT_EQ(t.from_cgroups_param(""), t.host());
}

TEST(CgroupContainerTable, CacheIsBounded) {
    ContainerTable t(4);
    for (int i = 0; i < 20; ++i)
        t.from_cgroup_path("/system.slice/s" + std::to_string(i) + ".service");
    EXPECT_LE(t.cached_paths(), 4u);
    EXPECT_EQ(t.cache_misses(), 20u);
    EXPECT_EQ(t.container_count(), 1u);
}

}  // namespace
