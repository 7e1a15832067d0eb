#pragma once
// A ruleset becomes one probe configuration: the syscalls the probe must trace (those the
// loaded rules can match, plus those the state tables need to stay correct, as shaped by
// falco.yaml's base_syscalls) and the open path filter (policy/open_path_policy.h). The daemon
// applies it with one BpfProbe::apply() call, at start and on every reload.
#include <cstdint>
#include <string>
#include <vector>

#include "sensor/capture/probe_config.h"
#include "sensor/engine/ruleset.h"

namespace sensor::policy {

// falco.yaml's base_syscalls, with Falco's meaning:
// - custom_set names replace the state set (the syscalls traced whatever the rules say);
//   "!name" removes a syscall from the final set, whoever asked for it;
// - repair (with no positive name) replaces the state set by the smallest one the rules'
//   syscalls need: the calls that build a process (clone, exec, chdir, set*id, capset,
//   prctl...), socket creation when rules watch the network (and bind/connect when they
//   watch accepts), close when they watch fds. With a custom set, repair adds those to it;
// - all traces every syscall.
struct BaseSyscalls {
    std::vector<std::string> custom_set;
    bool repair = false;
    bool all = false;
};

// Sorted syscall numbers for the in-kernel filter. A rule that can match any event type makes
// every syscall traced.
std::vector<uint32_t> traced_syscalls(const engine::Ruleset& rules, const BaseSyscalls& base = {});

// The names in a custom set that are no syscall ("!" stripped), for a start-up error.
std::vector<std::string> unknown_syscall_names(const std::vector<std::string>& custom_set);

// Sorted numbers of the traced syscalls whose records must carry I/O data: those with data
// (events::has_io_data) that an enabled syscall rule applies to and whose condition or output
// reads it (evt.buffer, evt.arg.data, evt.arg[N], evt.args). Other rules cost no copy.
std::vector<uint32_t> data_syscalls(const engine::Ruleset& rules);

// Sorted numbers of the traced calls whose records must carry the file behind their fd
// argument, or the files they received (ProbeConfig::file_syscalls): those with
// events::kFdFileOnDemand or kReceivesFds that an enabled syscall rule applies to and whose
// condition or output reads the event's fd (fields::reads_event_fd). Other rules cost nothing.
std::vector<uint32_t> file_syscalls(const engine::Ruleset& rules);

// Of file_syscalls, those every enabled rule on which cannot match unless the call qualifies
// (ProbeConfig::qualified_syscalls): its condition requires evt.is_exec_mapping = true (an
// mmap) or a value of fd.received (a recvmsg).
std::vector<uint32_t> qualified_syscalls(const engine::Ruleset& rules);

// The probe configuration for a ruleset; filter_opens is capture.open_path_filter. Calls
// with a command argument (fcntl) are sent only for the commands the state tables and the
// rules need (policy/command_policy.h), unless base_syscalls names them or says all.
capture::ProbeConfig probe_config(const engine::Ruleset& rules, bool filter_opens,
                                  const BaseSyscalls& base = {});

}  // namespace sensor::policy
