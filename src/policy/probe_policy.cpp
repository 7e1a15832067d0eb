#include "sensor/policy/probe_policy.h"

#include <algorithm>

#include "sensor/events/event_types.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/policy/open_path_policy.h"

namespace sensor::policy {

std::vector<uint32_t> traced_syscalls(const engine::Ruleset& rules) {
    std::vector<uint8_t> wanted(events::event_type_count(), 0);
    for (const auto& r : rules.rules) {
        // Only syscall rules ask the probe for events.
        if (!r.enabled || r.source != fields::kSyscallSource) continue;
        for (size_t t = 0; t < r.types.size() && t < wanted.size(); ++t) wanted[t] |= r.types[t];
    }
    // Whatever the rules say, the state tables need these (events::traced_for_state).
    for (const events::SyscallEntry& e : events::syscall_entries())
        if (events::traced_for_state(e)) wanted[e.type] = 1;
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
