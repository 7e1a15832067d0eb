// The event loop's side of container metadata: requests on first sight, answers applied,
// one `container` event per container, eviction. The metadata source is scripted (logic
// only; the real CRI client is exercised against containerd in the e2e tests).
#include "sensor/container/enricher.h"

#include <gtest/gtest.h>

#include "sensor/events/event_types.h"

using namespace sensor;
using container::ContainerEnricher;
using container::LookupResult;
using container::MetadataAnswer;

namespace {

const std::string kId = "4e4a8d2c5b8f8b6f4f4a1b5c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e";

class ScriptedSource : public container::MetadataSource {
  public:
    void request(const std::string& id) override { requested.push_back(id); }
    void forget(const std::string& id) override { forgotten.push_back(id); }
    void take_answers(std::vector<MetadataAnswer>& out) override {
        out.clear();
        out.swap(pending);
    }
    std::vector<std::string> requested, forgotten;
    std::vector<MetadataAnswer> pending;
};

struct World {
    state::ContainerTable containers;
    state::ProcessTable procs{containers, nullptr};
    state::ProcessInfo* proc = nullptr;

    World() {
        proc = procs.insert(100);
        proc->pid = 100;
        proc->container = containers.from_cgroup_path("/kubepods/besteffort/podabc/" + kId);
    }
    fields::Event event() const {
        fields::Event ev;
        ev.proc = proc;
        return ev;
    }
};

}  // namespace

TEST(ContainerEnricher, FirstEventRequestsOnceAndTheAnswerIsAnnouncedOnce) {
    World w;
    ScriptedSource src;
    ContainerEnricher e(w.containers, w.procs, &src);
    auto ev = w.event();
    e.on_event(ev);
    e.on_event(ev);
    EXPECT_EQ(src.requested, std::vector<std::string>{kId});
    std::vector<std::string> announced;
    auto announce = [&](const fields::Event& cev) {
        EXPECT_EQ(events::event_type_name(cev.type), "container");
        EXPECT_EQ(cev.proc, w.proc);
        announced.push_back(cev.container_info()->name + "|" +
                            cev.container_info()->image_repository);
    };
    e.poll(1, announce);
    EXPECT_TRUE(announced.empty());  // no answer yet: nothing announced
    MetadataAnswer a;
    a.result = LookupResult::found;
    a.metadata.full_id = kId;
    a.metadata.name = "web";
    a.metadata.type = "containerd";
    a.metadata.image_repository = "docker.io/local/busybox";
    a.metadata.pod_name = "pod-1";
    src.pending.push_back(a);
    e.poll(2, announce);
    EXPECT_EQ(announced, std::vector<std::string>{"web|docker.io/local/busybox"});
    EXPECT_EQ(w.proc->container->k8s_pod_name, "pod-1");
    EXPECT_EQ(w.proc->container->type, "containerd");
    // A later answer (the runtime retried) updates fields without a second announcement.
    a.metadata.name = "web-renamed";
    src.pending.push_back(a);
    e.poll(3, announce);
    EXPECT_EQ(announced.size(), 1u);
    EXPECT_EQ(w.proc->container->name, "web-renamed");
}

TEST(ContainerEnricher, UnavailableRuntimeStillAnnouncesWithTheIdOnly) {
    World w;
    ScriptedSource src;
    ContainerEnricher e(w.containers, w.procs, &src);
    e.on_event(w.event());
    MetadataAnswer a;
    a.result = LookupResult::unavailable;
    a.metadata.full_id = kId;
    src.pending.push_back(a);
    std::vector<std::string> ids;
    e.poll(1, [&](const fields::Event& cev) { ids.push_back(cev.container_info()->id); });
    EXPECT_EQ(ids, std::vector<std::string>{kId.substr(0, 12)});
    EXPECT_EQ(w.proc->container->name, "");
}

TEST(ContainerEnricher, WithoutASourceContainersAreAnnouncedAtOnce) {
    World w;
    ContainerEnricher e(w.containers, w.procs, nullptr);
    e.on_event(w.event());
    int n = 0;
    e.poll(1, [&](const fields::Event&) { ++n; });
    e.poll(2, [&](const fields::Event&) { ++n; });
    EXPECT_EQ(n, 1);
}

TEST(ContainerEnricher, HostEventsNeverAskAnything) {
    World w;
    w.proc->container = w.containers.host();
    ScriptedSource src;
    ContainerEnricher e(w.containers, w.procs, &src);
    e.on_event(w.event());
    EXPECT_TRUE(src.requested.empty());
}

TEST(ContainerEnricher, ContainersWithoutProcessesAreEvictedAfterTwoSweeps) {
    World w;
    ScriptedSource src;
    ContainerEnricher e(w.containers, w.procs, &src);
    e.on_event(w.event());
    EXPECT_EQ(e.sweep(), 0u);  // still used
    ASSERT_TRUE(w.procs.on_exit(100));
    uint64_t gen = w.containers.generation();
    EXPECT_EQ(e.sweep(), 0u);  // first idle sweep
    EXPECT_EQ(e.sweep(), 1u);
    EXPECT_EQ(w.containers.find(kId), nullptr);
    EXPECT_EQ(src.forgotten, std::vector<std::string>{kId});
    EXPECT_NE(w.containers.generation(), gen);
}
