#pragma once
// Loads the eBPF probe, sets its in-kernel syscall filter, and reads its ring buffer.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sensor/capture/probe_config.h"

namespace sensor::capture {

struct ProbeOptions {
    uint32_t ring_bytes = 2u << 20;  // record space of each CPU's ring: a power of two >= 32 KiB
    // Resolve file paths with plain loads through bpf_rdonly_cast when the kernel has it
    // (6.2+); false forces the helper-based walk every kernel supports.
    bool fast_file_access = true;
    // Walk paths past 32 components with bpf_loop when the kernel has it (5.17+); false keeps
    // the bounded walk older kernels get (deeper paths are then cut and resolved in user space).
    bool full_path_walk = true;
    // Read the clock for every record (the default: every event's time is exact). False lets
    // a task's burst of syscalls within one jiffy share a reading, at most 16 records apart:
    // times are then up to one tick early for records after the first of a burst, for a few
    // percent less probe cost in syscall storms. Order is exact either way.
    bool exact_timestamps = true;
    // Bytes of I/O data (evt.buffer) a record carries at most: Falco's falco_libs.snaplen.
    // 1 to SENSOR_DATA_MAX; data is copied only for the calls ProbeConfig::data_syscalls names.
    uint32_t snaplen = 80;
};

class BpfProbe {
  public:
    // Called with each record (see bpf/record.h: every record starts with
    // sensor_record_header, whose `kind` says which struct it is) and its size.
    using Handler = std::function<void(const void* record, size_t size)>;

    BpfProbe();
    ~BpfProbe();
    BpfProbe(const BpfProbe&) = delete;
    BpfProbe& operator=(const BpfProbe&) = delete;

    // Opens and loads the probe. False with a message saying what is missing (kernel BTF,
    // privileges, ...) when it cannot.
    bool load(const ProbeOptions& opts, std::string& error);
    // Installs a configuration: the set of traced syscalls (by number) and the open path
    // filter (pass_all: every traced open is sent). Works before and after attach; while it
    // runs, opens are not filtered, so no open a new rule needs is lost in between.
    bool apply(const ProbeConfig& config, std::string& error);
    bool attach(std::string& error);
    // Delivers published records of every CPU, sleeps (1 ms when records were waiting, else
    // timeout_ms), delivers again. Returns the number delivered, or -1 on error.
    int poll(int timeout_ms, const Handler& handler);
    // Whether the loaded probe uses the fast file path (see ProbeOptions).
    bool fast_file_access() const;
    // Whether records may share clock readings (ProbeOptions::exact_timestamps off, and a
    // kernel with the counter the merge then orders by: 5.12+).
    bool batched_timestamps() const;
    // Records the kernel could not deliver (ring buffer full), summed over CPUs.
    uint64_t dropped() const;
    // The same per reason (enum sensor_drop_reason in bpf/record.h).
    std::vector<uint64_t> dropped_by_reason() const;

    // Whether io_uring requests are recorded (the kernel has the tracepoints).
    bool io_uring() const;
    // io_uring requests of traced ops the probe could not record (its in-flight tables were
    // full), summed over CPUs.
    uint64_t uring_untracked() const;

    // Opens the path filter kept in the kernel (no rule could match them), summed over CPUs.
    uint64_t filtered_opens() const;
    // Calls an argument predicate left in the kernel (fcntl commands no rule or state table
    // needs; ProbeConfig::arg_predicates), summed over CPUs.
    uint64_t filtered_calls() const;

    // Closes left in the kernel with their filtered open (quiet_close in bpf/record.h),
    // summed over CPUs.
    uint64_t quiet_closes() const;
    // How full each CPU's ring is (0 to 1), read from its published and consumed offsets.
    std::vector<double> ring_fill() const;
    struct ProgramStats {
        std::string name;
        uint64_t run_time_ns = 0;  // both stay 0 unless sysctl kernel.bpf_stats_enabled=1
        uint64_t run_count = 0;
    };
    std::vector<ProgramStats> program_stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// What a kernel must offer for the probe, checked without loading it: empty when fine.
std::string probe_prerequisites_problem();

}  // namespace sensor::capture
