#include "sensor/container/enricher.h"

#include <unordered_set>

#include "sensor/events/event_types.h"
#include "sensor/state/container_mounts.h"

namespace sensor::container {

void apply_metadata(const ContainerMetadata& m, state::ContainerInfo& c) {
    c.name = m.name;
    if (!m.type.empty()) c.type = m.type;
    c.image = m.image;
    c.image_repository = m.image_repository;
    c.image_tag = m.image_tag;
    c.image_digest = m.image_digest;
    c.image_id = m.image_id;
    c.privileged = m.privileged;
    c.start_ts = m.start_ts;
    c.labels = m.labels;
    c.mount_list = m.mounts;
    c.mounts = state::render_mounts(c.mount_list);
    c.mount_matches.clear();  // they index the old list
    c.ip = m.ip;
    c.cni_json = m.cni_json;
    c.host_pid = static_cast<int8_t>(m.host_pid);
    c.host_network = static_cast<int8_t>(m.host_network);
    c.host_ipc = static_cast<int8_t>(m.host_ipc);
    c.k8s_pod_name = m.pod_name;
    c.k8s_ns_name = m.pod_namespace;
    c.k8s_pod_uid = m.pod_uid;
    c.k8s_pod_sandbox_id = m.pod_sandbox_id;
    c.k8s_pod_labels = m.pod_labels;
}

ContainerEnricher::ContainerEnricher(state::ContainerTable& containers,
                                     const state::ProcessTable& procs, MetadataSource* source)
    : containers_(containers),
      procs_(procs),
      source_(source),
      container_type_(events::event_type_id("container").value_or(0)) {}

void ContainerEnricher::first_seen(const fields::Event& ev, const state::ContainerInfo& seen) {
    state::ContainerInfo* c = containers_.find(seen.full_id);
    if (!c) return;
    c->metadata = state::ContainerInfo::Metadata::requested;
    c->first_tid = ev.proc ? ev.proc->tid : 0;
    if (source_)
        source_->request(c->full_id);
    else
        unannounced_.push_back(c->full_id);
}

size_t ContainerEnricher::sweep() {
    std::unordered_set<const state::ContainerInfo*> in_use;
    procs_.for_each([&](const state::ProcessInfo& p) { in_use.insert(p.container); });
    return containers_.evict_unreferenced(in_use, [&](const std::string& full_id) {
        if (source_) source_->forget(full_id);
    });
}

}  // namespace sensor::container
