#pragma once
// Which kinds of BPF hook this kernel lets the sensor use, found at start by loading and
// attaching a tiny program of each kind and detaching it at once: BPF LSM (a hook on
// security_file_open and friends would see every open, io_uring's and every alias's, at the
// source) and fentry. The probe itself uses tracepoints, which need neither; the result is
// reported so an operator knows what a node offers (docs/architecture.md, "Hooks").
#include <string>

namespace sensor::capture {

struct HookKind {
    bool usable = false;
    std::string why;  // "loads and attaches", or what refused it: "attach refused (EPERM)"
};

struct HookSupport {
    HookKind lsm;     // BPF_PROG_TYPE_LSM on bpf_lsm_file_open
    HookKind fentry;  // BPF_TRACE_FENTRY on security_file_open
};

HookSupport probe_hook_support();

// One line for the log: "hooks: tracepoints with io_uring (BPF LSM: ...; fentry: ...)";
// io_uring: whether the probe's io_uring programs are loaded (BpfProbe::io_uring()).
std::string describe(const HookSupport& h, bool io_uring);

}  // namespace sensor::capture
