// Container table and its cgroup-path cache.
#include "sensor/state/container_table.h"

namespace sensor::state {

ContainerTable::ContainerTable(size_t max_cached_paths) : max_cached_paths_(max_cached_paths) {
    host_.metadata = state::ContainerInfo::Metadata::announced;  // nothing to look up
}

const state::ContainerInfo* ContainerTable::intern(const CgroupMatch& m) {
    if (m.is_host()) return &host_;
    auto it = by_id_.find(m.full_id);
    if (it != by_id_.end()) return it->second.get();
    auto info = std::make_unique<state::ContainerInfo>();
    info->id = m.id;
    info->full_id = m.full_id;
    info->type = std::string(runtime_name(m.runtime));
    const state::ContainerInfo* p = info.get();
    by_id_.emplace(m.full_id, std::move(info));
    return p;
}

const state::ContainerInfo* ContainerTable::from_cgroup_path(std::string_view path) {
    auto it = by_path_.find(path);
    if (it != by_path_.end()) {
        ++hits_;
        return it->second;
    }
    ++misses_;
    // Paths churn with containers; dropping the whole cache now and then is cheaper than
    // tracking recency, and containers themselves stay.
    if (by_path_.size() >= max_cached_paths_) by_path_.clear();
    const state::ContainerInfo* c = intern(match_cgroup_path(path));
    by_path_.emplace(std::string(path), c);
    return c;
}

const state::ContainerInfo* ContainerTable::from_proc_cgroup_file(std::string_view file) {
    const state::ContainerInfo* found = &host_;
    for_each_proc_cgroup_path(file, [&](std::string_view path) {
        if (found == &host_) found = from_cgroup_path(path);
    });
    return found;
}

const state::ContainerInfo* ContainerTable::from_cgroups_param(std::string_view list) {
    const state::ContainerInfo* found = &host_;
    for_each_param_cgroup_path(list, [&](std::string_view path) {
        if (found == &host_) found = from_cgroup_path(path);
    });
    return found;
}

state::ContainerInfo* ContainerTable::find(std::string_view full_id) {
    if (full_id == host_.full_id) return &host_;
    auto it = by_id_.find(full_id);
    return it == by_id_.end() ? nullptr : it->second.get();
}

}  // namespace sensor::state
