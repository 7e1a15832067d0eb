/* Records the probe writes to the ring buffer; shared by the BPF program (C) and user space
 * (C++). Every record starts with sensor_record_header; `kind` says which struct it is. */
#ifndef SENSOR_BPF_RECORD_H
#define SENSOR_BPF_RECORD_H

#ifdef __cplusplus
#include <cstdint>
typedef uint8_t sensor_u8;
typedef uint16_t sensor_u16;
typedef uint32_t sensor_u32;
typedef uint64_t sensor_u64;
typedef int64_t sensor_s64;
#else
typedef __u8 sensor_u8;
typedef __u16 sensor_u16;
typedef __u32 sensor_u32;
typedef __u64 sensor_u64;
typedef __s64 sensor_s64;
#endif

/* Syscall numbers index the in-kernel filter; the highest on x86_64 and arm64 is below 512. */
#define SENSOR_MAX_SYSCALLS 512
#define SENSOR_PATH_MAX 256

enum sensor_record_kind {
    SENSOR_REC_SYSCALL_EXIT = 1, /* a syscall returned: number, result, raw arguments */
    SENSOR_REC_PROC_EXEC = 2,    /* a program was executed (sched_process_exec) */
    SENSOR_REC_PROC_FORK = 3,    /* a task was created (sched_process_fork) */
    SENSOR_REC_PROC_EXIT = 4,    /* a task exited (sched_process_exit) */
};

/* Why the probe could not deliver a record; indexes the per-CPU drop counters. */
enum sensor_drop_reason {
    SENSOR_DROP_RINGBUF_FULL = 0,
    SENSOR_DROP_REASONS = 1,
};

struct sensor_record_header {
    sensor_u64 ts_ns; /* CLOCK_BOOTTIME */
    sensor_u32 tid;
    sensor_u32 pid; /* thread group id */
    sensor_u16 kind;
};

struct sensor_syscall_exit {
    sensor_u64 ts_ns;
    sensor_u32 tid;
    sensor_u32 pid;
    sensor_u16 kind; /* SENSOR_REC_SYSCALL_EXIT */
    sensor_u16 nr;   /* syscall number */
    sensor_u32 reserved;
    sensor_s64 ret;
    sensor_u64 args[6];
    sensor_u64 cgroup_id;
    char comm[16];
};

/* Process lifecycle: exec carries the executed path, fork the new task, exit the code. */
struct sensor_proc_event {
    sensor_u64 ts_ns;
    sensor_u32 tid;
    sensor_u32 pid;
    sensor_u16 kind;
    sensor_u16 path_len; /* bytes of path including the NUL; 0 when none */
    sensor_u32 child_tid;
    sensor_u32 child_pid;
    sensor_u32 exit_code;
    sensor_u64 cgroup_id;
    char comm[16];
    char path[SENSOR_PATH_MAX];
};

#endif
