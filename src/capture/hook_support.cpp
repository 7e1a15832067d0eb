#include "sensor/capture/hook_support.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sensor::capture {
namespace {

std::string errno_name(int err) {
    switch (err) {
        case EPERM:
            return "EPERM";
        case EINVAL:
            return "EINVAL";
        case ENOENT:
            return "ENOENT";
        case EACCES:
            return "EACCES";
        case 524:  // ENOTSUPP, the kernel's "not supported" (no user-space name)
            return "ENOTSUPP";
        case EOPNOTSUPP:
            return "EOPNOTSUPP";
        default:
            return std::strerror(err);
    }
}

// The kernel function a test program attaches to, by its BTF id; -1 when the kernel lacks it.
int kernel_func_id(const char* name) {
    struct btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return -1;
    int id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC);
    btf__free(vmlinux);
    return id;
}

// Loads "return 0" as a program of that type on that function, attaches it, detaches it.
HookKind try_hook(bpf_prog_type type, bpf_attach_type attach, const char* func) {
    int id = kernel_func_id(func);
    if (id < 0) return {false, std::string("no ") + func + " in the kernel's BTF"};
    const bpf_insn insns[] = {
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},  // r0 = 0
        {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    };
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
                .attach_btf_id = static_cast<__u32>(id));
    int prog = bpf_prog_load(type, "sensor_hook_test", "GPL", insns, 2, &opts);
    if (prog < 0) return {false, "load refused (" + errno_name(errno) + ")"};
    int link = bpf_link_create(prog, 0, attach, nullptr);
    int err = errno;
    close(prog);
    if (link < 0) return {false, "attach refused (" + errno_name(err) + ")"};
    close(link);
    return {true, "loads and attaches"};
}

}  // namespace

HookSupport probe_hook_support() {
    // libbpf would print the verifier's and loader's complaints; only the result matters here.
    libbpf_print_fn_t previous = libbpf_set_print(nullptr);
    HookSupport h;
    h.lsm = try_hook(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open");
    h.fentry = try_hook(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "security_file_open");
    libbpf_set_print(previous);
    return h;
}

std::string describe(const HookSupport& h, bool io_uring) {
    auto kind = [](const HookKind& k) { return k.usable ? "available, unused" : k.why; };
    return std::string("hooks: tracepoints ") +
           (io_uring ? "with io_uring" : "without io_uring (the kernel lacks its tracepoints)") +
           " (BPF LSM: " + kind(h.lsm) + "; fentry: " + kind(h.fentry) + ")";
}

}  // namespace sensor::capture
