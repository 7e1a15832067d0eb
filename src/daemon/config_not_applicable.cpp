#include "config_not_applicable.h"

namespace sensor::daemon {
namespace {

constexpr NotApplicableKey kKeys[] = {
    {"engine.kmod.buf_size_preset", ValueKind::number,
     "the kernel module is not used (the sensor's own CO-RE eBPF probe is); ring size: "
     "engine.modern_ebpf.buf_size_preset or capture.ring_buffer_bytes"},
    {"engine.kmod.drop_failed_exit", ValueKind::boolean,
     "the kernel module is not used (the sensor's own CO-RE eBPF probe is)"},
    {"engine.modern_ebpf.drop_failed_exit", ValueKind::boolean,
     "failed syscalls are always recorded: rules on failed opens, connects and execs need "
     "them"},
    {"engine.modern_ebpf.disable_iterators", ValueKind::boolean,
     "process and fd state at start come from /proc, not BPF iterators"},
    {"engine.replay.capture_file", ValueKind::text,
     "sensor run captures live; run recorded input with `sensor replay`"},
    {"plugins_hostinfo", ValueKind::boolean,
     "the sensor loads no plugin libraries, so there is no plugin to give host info to"},
    {"falco_libs.thread_table_auto_purging_interval_s", ValueKind::number,
     "threads are evicted when they exit and, past state.max_processes, least recently "
     "active first; there is no periodic purge"},
    {"falco_libs.thread_table_auto_purging_thread_timeout_s", ValueKind::number,
     "threads are evicted when they exit and, past state.max_processes, least recently "
     "active first; there is no periodic purge"},
    {"container_engines.docker.enabled", ValueKind::boolean,
     "container metadata comes from the CRI runtime (container_metadata.*)"},
    {"container_engines.cri.enabled", ValueKind::boolean,
     "container metadata comes from the CRI runtime (container_metadata.enabled)"},
    {"container_engines.cri.sockets", ValueKind::any,
     "the CRI sockets are container_metadata.cri_sockets"},
    {"container_engines.cri.disable_async", ValueKind::boolean,
     "CRI lookups are always off the event loop (container_metadata.timeout_ms bounds them)"},
    {"container_engines.podman.enabled", ValueKind::boolean,
     "container metadata comes from the CRI runtime (container_metadata.*)"},
    {"container_engines.lxc.enabled", ValueKind::boolean,
     "container metadata comes from the CRI runtime (container_metadata.*)"},
    {"container_engines.libvirt_lxc.enabled", ValueKind::boolean,
     "container metadata comes from the CRI runtime (container_metadata.*)"},
    {"container_engines.bpm.enabled", ValueKind::boolean,
     "container metadata comes from the CRI runtime (container_metadata.*)"},
};

}  // namespace

std::span<const NotApplicableKey> not_applicable_keys() {
    return kKeys;
}

const NotApplicableKey* find_not_applicable(std::string_view key) {
    for (const auto& k : kKeys)
        if (k.key == key) return &k;
    return nullptr;
}

}  // namespace sensor::daemon
