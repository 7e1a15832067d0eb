#include "sensor/policy/probe_policy.h"

#include <algorithm>

#include "sensor/events/event_types.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/policy/open_path_policy.h"

namespace sensor::policy {
namespace {

// Whether an operand (or a transformer's argument) reads the data parameter.
bool reads_data(const engine::Operand& op) {
    for (const auto& a : op.args)
        if (reads_data(*a)) return true;
    if (!op.field.def) return false;
    std::string_view name = op.field.def->name;
    if (name == "evt.buffer" || name == "evt.args") return true;
    // evt.arg by position may name the data; by name only "data" is it.
    bool any_arg = name == "evt.arg" || name == "evt.rawarg";
    return any_arg && (op.field.arg.key.empty() || op.field.arg.key == "data");
}

bool filter_reads_data(const engine::FilterNode& n) {
    if (n.kind == engine::FilterNode::Kind::Macro) return filter_reads_data(*n.target);
    for (const engine::FilterNode* k : n.kids)
        if (filter_reads_data(*k)) return true;
    if (n.kind != engine::FilterNode::Kind::Check) return false;
    return reads_data(*n.check->lhs) || (n.check->rhs && reads_data(*n.check->rhs));
}

bool rule_reads_data(const engine::CompiledRule& r) {
    if (filter_reads_data(*r.filter)) return true;
    for (const engine::OutputToken& t : r.output.tokens)
        if (t.operand && reads_data(*t.operand)) return true;
    for (const auto& op : r.output.json_only)
        if (reads_data(*op)) return true;
    return false;
}

// The syscall numbers of the event types set in `wanted`, sorted.
std::vector<uint32_t> numbers_of(const std::vector<uint8_t>& wanted) {
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

}  // namespace

std::vector<uint32_t> data_syscalls(const engine::Ruleset& rules) {
    std::vector<uint8_t> wanted(events::event_type_count(), 0);
    for (const auto& r : rules.rules) {
        if (!r.enabled || r.source != fields::kSyscallSource || !rule_reads_data(r)) continue;
        for (size_t t = 0; t < r.types.size() && t < wanted.size(); ++t) wanted[t] |= r.types[t];
    }
    for (size_t t = 0; t < wanted.size(); ++t) {
        const events::SyscallEntry* e =
            events::syscall_entry_by_type(static_cast<events::EventTypeId>(t));
        if (!e || !events::has_io_data(*e)) wanted[t] = 0;
    }
    return numbers_of(wanted);
}

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
    return numbers_of(wanted);
}

capture::ProbeConfig probe_config(const engine::Ruleset& rules, bool filter_opens) {
    capture::ProbeConfig c;
    c.syscalls = traced_syscalls(rules);
    c.data_syscalls = data_syscalls(rules);
    if (filter_opens)
        c.open_filter = open_path_filter(rules);
    else
        c.open_filter.reason = "capture.open_path_filter is false";
    return c;
}

}  // namespace sensor::policy
