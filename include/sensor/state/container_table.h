#pragma once
// The containers processes run in, found from their cgroup paths. Owns the ContainerInfo
// objects that ProcessInfo::container points to: one per container id plus a shared "host".
// Pointers stay valid for the table's lifetime (containers are not removed yet).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sensor/fields/event.h"
#include "sensor/state/cgroup_container_id.h"

namespace sensor::state {

class ContainerTable {
  public:
    // max_cached_paths bounds the path cache; past it the cache is dropped and refilled.
    explicit ContainerTable(size_t max_cached_paths = 16384);

    const fields::ContainerInfo* host() const { return &host_; }

    // The container a cgroup path belongs to (host when none). Repeated paths are one hash
    // lookup: the path-to-container result is cached.
    const fields::ContainerInfo* from_cgroup_path(std::string_view path);
    // All hierarchies of a /proc/<pid>/cgroup file; the first container match wins.
    const fields::ContainerInfo* from_proc_cgroup_file(std::string_view file);
    // The driver's cgroups parameter (NUL-separated "subsys=/path").
    const fields::ContainerInfo* from_cgroups_param(std::string_view list);

    // The container with this full id (or "host"), for metadata enrichment; nullptr if unknown.
    fields::ContainerInfo* find(std::string_view full_id);

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

    const fields::ContainerInfo* intern(const CgroupMatch& m);

    fields::ContainerInfo host_;
    Map<std::unique_ptr<fields::ContainerInfo>> by_id_;  // keyed by full id
    Map<const fields::ContainerInfo*> by_path_;
    size_t max_cached_paths_;
    uint64_t hits_ = 0;
    uint64_t misses_ = 0;
};

}  // namespace sensor::state
