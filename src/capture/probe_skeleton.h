#pragma once
// A C shim over the bpftool-generated skeleton (generated C, compiled as C), so the C++ side
// only sees plain functions and libbpf map fds.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum sensor_probe_map {
    SENSOR_MAP_CPU_RINGS = 0,
    SENSOR_MAP_SYSCALL_FILTER = 1,
    SENSOR_MAP_DROPS = 2,
    SENSOR_MAP_FILTERED = 3,
    SENSOR_MAP_OPEN_PREFIXES = 4,
    SENSOR_MAP_OPEN_SUFFIXES = 5,
    SENSOR_MAP_OPEN_FILTER = 6,
    SENSOR_MAP_URING_OPS = 7,
    SENSOR_MAP_URING_COUNTS = 8,
    SENSOR_MAP_IDENTITY_FILTER = 9,
    SENSOR_MAP_IDENTITY_INODES = 10
};

struct sensor_probe_handle;

struct sensor_probe_handle* sensor_probe_open(void);
// Before load: the probe's own-process exclusion, the number of CPU rings and the bytes of
// each (a power of two), and whether the kernel has the bpf_rdonly_cast kfunc (the fast file
// path).
int sensor_probe_configure(struct sensor_probe_handle* h, uint32_t self_tgid, uint32_t cpus,
                           uint32_t ring_bytes, int have_rdonly_cast);
// Before load: merge order by a global counter (else by time) and how often to read the clock
// (see sensor_record_header in bpf/record.h).
void sensor_probe_set_timing(struct sensor_probe_handle* h, int order_by_seq, uint32_t stamp_every);
// Before load: whether the io_uring programs load (the kernel has their tracepoints).
void sensor_probe_set_uring(struct sensor_probe_handle* h, int enabled);
// Before load: whether the kernel has the bpf_loop helper (path walks past 32 components).
void sensor_probe_set_bpf_loop(struct sensor_probe_handle* h, int have_bpf_loop);
int sensor_probe_load(struct sensor_probe_handle* h);
int sensor_probe_attach(struct sensor_probe_handle* h);
int sensor_probe_map_fd(struct sensor_probe_handle* h, enum sensor_probe_map map);
// The loaded programs: up to max fds and names (valid while h lives); returns the count.
int sensor_probe_programs(struct sensor_probe_handle* h, int* fds, const char** names, int max);
void sensor_probe_destroy(struct sensor_probe_handle* h);

#ifdef __cplusplus
}
#endif
