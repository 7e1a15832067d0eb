#pragma once
// The containers processes run in, found from their cgroup paths. Owns the ContainerInfo
// objects that ProcessInfo::container points to: one per container id plus a shared "host".
// Pointers stay valid until evict_unreferenced() drops a container no process refers to.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sensor/state/cgroup_container_id.h"
#include "sensor/state/records.h"

namespace sensor::state {

class ContainerTable {
  public:
    // max_cached_paths bounds the path cache; past it the cache is dropped and refilled.
    explicit ContainerTable(size_t max_cached_paths = 16384);

    const state::ContainerInfo* host() const { return &host_; }

    // The container a cgroup path belongs to (host when none). Repeated paths are one hash
    // lookup: the path-to-container result is cached.
    const state::ContainerInfo* from_cgroup_path(std::string_view path);
    // All hierarchies of a /proc/<pid>/cgroup file; the first container match wins.
    const state::ContainerInfo* from_proc_cgroup_file(std::string_view file);
    // The driver's cgroups parameter (NUL-separated "subsys=/path").
    const state::ContainerInfo* from_cgroups_param(std::string_view list);

    // The container with this full id (or "host"), for metadata enrichment; nullptr if unknown.
    state::ContainerInfo* find(std::string_view full_id);

    // Drops containers that no process has referred to for two sweeps in a row (in_use: the
    // containers live processes point to); calls on_evict(full_id) for each. Caches of
    // container pointers must be dropped when generation() changes.
    template <typename InUse, typename OnEvict>
    size_t evict_unreferenced(const InUse& in_use, OnEvict&& on_evict) {
        size_t n = 0;
        for (auto it = by_id_.begin(); it != by_id_.end();) {
            state::ContainerInfo& c = *it->second;
            if (in_use.count(&c)) {
                c.idle_sweeps = 0;
            } else if (++c.idle_sweeps >= 2) {
                on_evict(c.full_id);
                it = by_id_.erase(it);
                ++n;
                continue;
            }
            ++it;
        }
        if (n > 0) {
            by_path_.clear();  // it points at evicted containers
            ++generation_;
        }
        return n;
    }
    uint64_t generation() const { return generation_; }

    size_t container_count() const { return by_id_.size() + 1; }  // + host
    size_t cached_paths() const { return by_path_.size(); }
    uint64_t cache_hits() const { return hits_; }
    uint64_t cache_misses() const { return misses_; }

  private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    template <typename V>
    using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;

    const state::ContainerInfo* intern(const CgroupMatch& m);

    state::ContainerInfo host_;
    Map<std::unique_ptr<state::ContainerInfo>> by_id_;  // keyed by full id
    Map<const state::ContainerInfo*> by_path_;
    size_t max_cached_paths_;
    uint64_t hits_ = 0;
    uint64_t misses_ = 0;
    uint64_t generation_ = 0;
};

}  // namespace sensor::state
