#include "sensor/policy/probe_policy.h"

#include <algorithm>

#include "sensor/events/event_types.h"
#include "sensor/events/syscalls.h"
#include "sensor/policy/open_path_policy.h"

namespace sensor::policy {

const std::vector<std::string_view>& state_syscalls() {
    static const std::vector<std::string_view> names = {
        // process lifecycle and identity
        "clone", "clone3", "fork", "vfork", "execve", "execveat", "setuid", "setgid", "setreuid",
        "setregid", "setresuid", "setresgid", "capset", "prctl", "chdir", "fchdir", "unshare",
        "setns",
        // file descriptors
        "open", "openat", "openat2", "creat", "close", "dup", "dup2", "dup3", "fcntl", "pipe",
        "pipe2", "memfd_create", "socket", "connect", "accept", "accept4", "bind", "mount"};
    return names;
}

std::vector<uint32_t> traced_syscalls(const engine::Ruleset& rules) {
    std::vector<uint8_t> wanted(events::event_type_count(), 0);
    for (const auto& r : rules.rules) {
        if (!r.enabled) continue;
        for (size_t t = 0; t < r.types.size() && t < wanted.size(); ++t) wanted[t] |= r.types[t];
    }
    for (auto name : state_syscalls())
        if (auto id = events::event_type_id(name)) wanted[*id] = 1;
    std::vector<uint32_t> out;
    for (size_t t = 0; t < wanted.size(); ++t) {
        if (!wanted[t] || !events::is_syscall(static_cast<events::EventTypeId>(t))) continue;
        // Names of other architectures' syscalls have no number here.
        if (auto nr = events::syscall_number(
                events::event_type_name(static_cast<events::EventTypeId>(t))))
            out.push_back(*nr);
    }
    std::sort(out.begin(), out.end());
    return out;
}

capture::ProbeConfig probe_config(const engine::Ruleset& rules, bool filter_opens) {
    capture::ProbeConfig c;
    c.syscalls = traced_syscalls(rules);
    if (filter_opens)
        c.open_filter = open_path_filter(rules);
    else
        c.open_filter.reason = "capture.open_path_filter is false";
    return c;
}

}  // namespace sensor::policy
