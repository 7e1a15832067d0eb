// sensor's CO-RE probe: one record per traced syscall exit, filtered in the kernel by a
// per-syscall bitmap that user space computes from the loaded rules and state needs.
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "record.h"

char LICENSE[] SEC("license") = "GPL";

// The sensor's own process is excluded so that its reads and writes cannot feed back.
const volatile __u32 self_tgid = 0;
// Wake user space once this many bytes are waiting; below it user space polls on a short
// timer. Waking per record costs the traced workload more than the probe itself.
const volatile __u64 wakeup_bytes = 256 * 1024;

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 * 1024 * 1024);  // resized by user space before load
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SENSOR_MAX_SYSCALLS);
    __type(key, __u32);
    __type(value, __u8);
} syscall_filter SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SENSOR_DROP_REASONS);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 reason) {
    __u64* n = bpf_map_lookup_elem(&drops, &reason);
    if (n) *n += 1;
}

static __always_inline void submit(void* r) {
    __u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes
                      ? BPF_RB_FORCE_WAKEUP
                      : BPF_RB_NO_WAKEUP;
    bpf_ringbuf_submit(r, flags);
}

static __always_inline long syscall_nr(struct pt_regs* regs) {
#if defined(__TARGET_ARCH_x86)
    return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
    return BPF_CORE_READ(regs, syscallno);
#else
#error "unsupported architecture"
#endif
}

// libbpf 1.1 (Debian 12) has syscall-argument accessors for the first five only.
static __always_inline __u64 syscall_arg6(struct pt_regs* regs) {
#if defined(__TARGET_ARCH_x86)
    return BPF_CORE_READ(regs, r9);
#else
    return BPF_CORE_READ(regs, regs[5]);
#endif
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sensor_sys_exit, struct pt_regs* regs, long ret) {
    long nr = syscall_nr(regs);
    if (nr < 0 || nr >= SENSOR_MAX_SYSCALLS) return 0;
    __u32 key = (__u32)nr;
    __u8* wanted = bpf_map_lookup_elem(&syscall_filter, &key);
    if (!wanted || !*wanted) return 0;
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if ((__u32)(pid_tgid >> 32) == self_tgid) return 0;

    struct sensor_syscall_exit* r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_drop(SENSOR_DROP_RINGBUF_FULL);
        return 0;
    }
    r->ts_ns = bpf_ktime_get_boot_ns();
    r->tid = (__u32)pid_tgid;
    r->pid = (__u32)(pid_tgid >> 32);
    r->kind = SENSOR_REC_SYSCALL_EXIT;
    r->nr = (__u16)nr;
    r->reserved = 0;
    r->ret = ret;
    r->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
    r->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
    r->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
    r->args[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
    r->args[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
    r->args[5] = syscall_arg6(regs);
    r->cgroup_id = bpf_get_current_cgroup_id();
    bpf_get_current_comm(r->comm, sizeof(r->comm));
    submit(r);
    return 0;
}

static __always_inline struct sensor_proc_event* proc_event(__u16 kind) {
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if ((__u32)(pid_tgid >> 32) == self_tgid) return 0;
    struct sensor_proc_event* r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
    if (!r) {
        count_drop(SENSOR_DROP_RINGBUF_FULL);
        return 0;
    }
    r->ts_ns = bpf_ktime_get_boot_ns();
    r->tid = (__u32)pid_tgid;
    r->pid = (__u32)(pid_tgid >> 32);
    r->kind = kind;
    r->path_len = 0;
    r->child_tid = 0;
    r->child_pid = 0;
    r->exit_code = 0;
    r->cgroup_id = bpf_get_current_cgroup_id();
    bpf_get_current_comm(r->comm, sizeof(r->comm));
    return r;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sensor_proc_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
    struct sensor_proc_event* r = proc_event(SENSOR_REC_PROC_EXEC);
    if (!r) return 0;
    // The kernel's copy of the path: user memory cannot change it after the check.
    const char* filename = BPF_CORE_READ(bprm, filename);
    long n = bpf_probe_read_kernel_str(r->path, sizeof(r->path), filename);
    r->path_len = n > 0 ? (__u16)n : 0;
    submit(r);
    return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sensor_proc_fork, struct task_struct* parent, struct task_struct* child) {
    struct sensor_proc_event* r = proc_event(SENSOR_REC_PROC_FORK);
    if (!r) return 0;
    r->child_tid = (__u32)BPF_CORE_READ(child, pid);
    r->child_pid = (__u32)BPF_CORE_READ(child, tgid);
    submit(r);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sensor_proc_exit, struct task_struct* p) {
    struct sensor_proc_event* r = proc_event(SENSOR_REC_PROC_EXIT);
    if (!r) return 0;
    r->exit_code = (__u32)BPF_CORE_READ(p, exit_code);
    submit(r);
    return 0;
}
