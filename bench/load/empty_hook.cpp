#include "empty_hook.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

bool EmptySysExitHook::attach(std::string& error) {
    detach();
    // r0 = 0; exit
    const struct bpf_insn insns[] = {
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
        {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    };
    prog_fd_ = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "load_empty_hook", "GPL", insns,
                             sizeof insns / sizeof insns[0], nullptr);
    if (prog_fd_ < 0) {
        error = std::string("loading the empty hook program: ") + std::strerror(errno);
        prog_fd_ = -1;
        return false;
    }
    link_fd_ = bpf_raw_tracepoint_open("sys_exit", prog_fd_);
    if (link_fd_ < 0) {
        error = std::string("attaching the empty hook to sys_exit: ") + std::strerror(errno);
        link_fd_ = -1;
        detach();
        return false;
    }
    return true;
}

void EmptySysExitHook::detach() {
    if (link_fd_ >= 0) close(link_fd_);
    if (prog_fd_ >= 0) close(prog_fd_);
    link_fd_ = prog_fd_ = -1;
}
