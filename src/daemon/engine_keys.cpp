// Falco's engine.*, falco_libs.* and output-timing keys, mapped onto the sensor's settings,
// and the type checks of the keys that do not apply (config_not_applicable.h).
#include <algorithm>
#include <thread>

#include "config_keys.h"
#include "config_not_applicable.h"
#include "run_config.h"

namespace sensor::daemon {
namespace {

void note(RunConfig& c, const std::string& key, const std::string& why) {
    c.notes.push_back("config key '" + key + "' does not apply: " + why);
}

KeyResult set_engine_kind(RunConfig& c, const Setting& s) {
    const std::string& v = s.value;
    if (v == "modern_ebpf") return KeyResult::ok;
    if (v == "kmod" || v == "ebpf") {
        note(c, s.key,
             "'" + v +
                 "' asked for; the modern eBPF probe is used (the sensor's own "
                 "CO-RE probe; no kernel module or legacy probe)");
        return KeyResult::ok;
    }
    if (v == "nodriver") {
        // Falco runs its plugin sources only: the same as --disable-source syscall.
        c.disabled_sources.push_back("syscall");
        c.notes.push_back("engine.kind nodriver: the syscall source is off");
        return KeyResult::ok;
    }
    if (v == "replay") {
        s.error =
            "config key 'engine.kind' is 'replay': sensor run captures live; run recorded "
            "input with `sensor replay` (e.g. --capture FILE for engine.replay.capture_file)";
        return KeyResult::bad;
    }
    if (v == "gvisor") {
        s.error =
            "config key 'engine.kind' is 'gvisor': the sensor has no gVisor engine; it "
            "captures with its eBPF probe (engine.kind: modern_ebpf)";
        return KeyResult::bad;
    }
    return s.bad("kmod, ebpf, modern_ebpf, replay, gvisor or nodriver");
}

}  // namespace

KeyResult set_engine_key(RunConfig& c, const Setting& s) {
    if (s.key == "engine.kind") return set_engine_kind(c, s);
    if (s.key == "engine.modern_ebpf.buf_size_preset")
        return s.uint_in(c.engine_buf_size_preset, 1u, 10u, "a preset index from 1 to 10");
    if (s.key == "engine.modern_ebpf.cpus_for_each_buffer")
        return s.uint_in(c.cpus_for_each_buffer, 0u, 1024u, "a number of CPUs (0: all)");
    if (s.key == "falco_libs.thread_table_size")
        return s.uint_in(c.max_processes, 1u, std::numeric_limits<uint32_t>::max(),
                         "a positive number");
    if (s.key == "falco_libs.snaplen")
        return s.uint_in(c.snaplen, 1u, 4096u, "1 to 4096 (bytes; the probe copies at most 4096)");
    return KeyResult::not_mine;
}

void finish_engine_keys(RunConfig& c) {
    if (!c.engine_buf_size_preset || c.ring_buffer_bytes_set) return;
    // Falco's preset N is a buffer of 2^(N-1) MiB shared by cpus_for_each_buffer CPUs (0: all);
    // the sensor has one ring per CPU, so each gets its share, a power of two of >= 64 KiB.
    uint64_t bytes = (1ull << 20) << (c.engine_buf_size_preset - 1);
    uint64_t cpus = c.cpus_for_each_buffer ? c.cpus_for_each_buffer
                                           : std::max(1u, std::thread::hardware_concurrency());
    uint64_t share = bytes / cpus, ring = 65536;
    while (ring * 2 <= share) ring *= 2;
    c.ring_buffer_bytes = static_cast<uint32_t>(ring);
}

KeyResult set_falco_output_key(RunConfig& c, const Setting& s) {
    if (s.key == "outputs_queue.capacity") {
        uint64_t n = 0;
        KeyResult r = s.number(n, 0, 1u << 24, "0 (Falco's unbounded) to 16777216 alerts");
        if (r != KeyResult::ok) return r;
        // Unbounded would let one dead output take all memory: the default bound stays.
        c.outputs_queue_unbounded_asked = n == 0;
        if (n) c.outputs_queue_capacity = static_cast<uint32_t>(n);
        return KeyResult::ok;
    }
    if (s.key == "output_timeout")
        return s.uint_in(c.output_timeout_ms, 1u, 3600000u, "1 to 3600000 (milliseconds)");
    return KeyResult::not_mine;
}

KeyResult set_not_applicable_key(RunConfig& c, const Setting& s) {
    const NotApplicableKey* k = find_not_applicable(s.key);
    if (!k) return KeyResult::not_mine;
    bool b = false;
    uint64_t n = 0;
    if (k->kind == ValueKind::boolean && s.flag(b) != KeyResult::ok) return KeyResult::bad;
    if (k->kind == ValueKind::number &&
        s.number(n, 0, std::numeric_limits<uint64_t>::max(), "a number") != KeyResult::ok)
        return KeyResult::bad;
    note(c, s.key, std::string(k->reason));
    return KeyResult::ok;
}

}  // namespace sensor::daemon
