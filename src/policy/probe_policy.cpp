#include "sensor/policy/probe_policy.h"

#include <algorithm>

#include "sensor/events/event_types.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/fields/registry.h"
#include "sensor/policy/command_policy.h"
#include "sensor/policy/file_identity_policy.h"
#include "sensor/policy/open_path_policy.h"

namespace sensor::policy {
namespace {

using Wanted = std::vector<uint8_t>;  // by event type

Wanted rules_set(const engine::Ruleset& rules) {
    Wanted wanted(events::event_type_count(), 0);
    for (const auto& r : rules.rules) {
        // Only syscall rules ask the probe for events.
        if (!r.enabled || r.source != fields::kSyscallSource) continue;
        for (size_t t = 0; t < r.types.size() && t < wanted.size(); ++t) wanted[t] |= r.types[t];
    }
    return wanted;
}

void add_where(Wanted& w, bool (*pred)(const events::SyscallEntry&)) {
    for (const events::SyscallEntry& e : events::syscall_entries())
        if (pred(e)) w[e.type] = 1;
}

bool any_where(const Wanted& w, bool (*pred)(const events::SyscallEntry&)) {
    for (const events::SyscallEntry& e : events::syscall_entries())
        if (w[e.type] && pred(e)) return true;
    return false;
}

void add_name(Wanted& w, std::string_view name) {
    if (auto id = events::event_type_id(name)) w[*id] = 1;
}

bool handled_by(const events::SyscallEntry& e, events::Handler h) {
    return e.handler == h;
}

// libs' sinsp_repair_state_sc_set in terms of our table's flags and handlers: what builds a
// process always; socket creation when rules watch the network, and the calls that give a
// socket its addresses (bind, connect) when they watch accepted connections; close when they
// watch fds.
void repair(Wanted& w) {
    using events::Handler;
    using events::SyscallEntry;
    const bool net =
        any_where(w, [](const SyscallEntry& e) { return e.category == events::Category::Net; });
    const bool server =
        any_where(w, [](const SyscallEntry& e) { return handled_by(e, Handler::Accept); });
    const bool fds = net || any_where(w, [](const SyscallEntry& e) {
                         return e.category == events::Category::File || e.args.fd != SENSOR_NO_ARG;
                     });
    add_where(w, [](const SyscallEntry& e) {
        return e.has(events::sysflag::kChangesProcess | events::sysflag::kChangesCreds);
    });
    if (net) add_where(w, [](const SyscallEntry& e) { return handled_by(e, Handler::Socket); });
    if (server)
        add_where(w, [](const SyscallEntry& e) {
            return handled_by(e, Handler::Connect) || handled_by(e, Handler::Bind);
        });
    if (fds) add_where(w, [](const SyscallEntry& e) { return handled_by(e, Handler::Close); });
}

// The positive names of a custom set, or an empty set when it has none.
Wanted positive_set(const std::vector<std::string>& custom) {
    Wanted w(events::event_type_count(), 0);
    for (const auto& n : custom)
        if (!n.empty() && n[0] != '!') add_name(w, n);
    return w;
}

using FieldPred = bool (*)(const fields::FieldRef& f);

// Whether an operand (or a transformer's argument) reads a field the predicate holds for.
bool reads(const engine::Operand& op, FieldPred pred) {
    for (const auto& a : op.args)
        if (reads(*a, pred)) return true;
    return op.field.def && pred(op.field);
}

bool filter_reads(const engine::FilterNode& n, FieldPred pred) {
    if (n.kind == engine::FilterNode::Kind::Macro) return filter_reads(*n.target, pred);
    for (const engine::FilterNode* k : n.kids)
        if (filter_reads(*k, pred)) return true;
    if (n.kind != engine::FilterNode::Kind::Check) return false;
    return reads(*n.check->lhs, pred) || (n.check->rhs && reads(*n.check->rhs, pred));
}

bool rule_reads(const engine::CompiledRule& r, FieldPred pred) {
    if (filter_reads(*r.filter, pred)) return true;
    for (const engine::OutputToken& t : r.output.tokens)
        if (t.operand && reads(*t.operand, pred)) return true;
    for (const auto& op : r.output.json_only)
        if (reads(*op, pred)) return true;
    return false;
}

// The data parameter: evt.buffer, evt.args, and evt.arg by position (it may name the data) or
// by the name "data".
bool is_data_field(const fields::FieldRef& f) {
    std::string_view name = f.def->name;
    if (name == "evt.buffer" || name == "evt.args") return true;
    bool any_arg = name == "evt.arg" || name == "evt.rawarg";
    return any_arg && (f.arg.key.empty() || f.arg.key == "data");
}

bool is_event_fd_field(const fields::FieldRef& f) {
    return fields::reads_event_fd(*f.def);
}

// The event types the enabled syscall rules that read such fields apply to.
Wanted types_reading(const engine::Ruleset& rules, FieldPred pred) {
    Wanted wanted(events::event_type_count(), 0);
    for (const auto& r : rules.rules) {
        if (!r.enabled || r.source != fields::kSyscallSource || !rule_reads(r, pred)) continue;
        for (size_t t = 0; t < r.types.size() && t < wanted.size(); ++t) wanted[t] |= r.types[t];
    }
    return wanted;
}

void keep_where(Wanted& w, bool (*pred)(const events::SyscallEntry&)) {
    for (size_t t = 0; t < w.size(); ++t) {
        const events::SyscallEntry* e =
            events::syscall_entry_by_type(static_cast<events::EventTypeId>(t));
        if (!e || !pred(*e)) w[t] = 0;
    }
}

bool carries_file_on_demand(const events::SyscallEntry& e) {
    return e.has(events::sysflag::kFdFileOnDemand | events::sysflag::kReceivesFds);
}

// Whether a check can hold only for a qualifying call: evt.is_exec_mapping = true, or any
// check on fd.received (missing, so false, when nothing was received).
bool qualifying_check(const engine::Check& c) {
    if (!c.lhs->field.def || !c.lhs->args.empty()) return false;
    std::string_view name = c.lhs->field.def->name;
    if (name == "fd.received") return true;
    return name == "evt.is_exec_mapping" && c.op == engine::CmpOp::Eq && c.bools.size() == 1 &&
           c.bools[0];
}

// Whether the condition cannot hold unless a qualifying check does.
bool requires_qualifying(const engine::FilterNode& n) {
    using K = engine::FilterNode::Kind;
    switch (n.kind) {
        case K::Macro:
            return requires_qualifying(*n.target);
        case K::And:
            for (const engine::FilterNode* k : n.kids)
                if (requires_qualifying(*k)) return true;
            return false;
        case K::Or:
            for (const engine::FilterNode* k : n.kids)
                if (!requires_qualifying(*k)) return false;
            return !n.kids.empty();
        case K::Check:
            return qualifying_check(*n.check);
        case K::Const:
            return !n.const_value;
        case K::Not:
            return false;
    }
    return false;
}

// base_syscalls asks for every call, or names a call with a command argument (fcntl): the
// user wants all of its commands.
bool every_command(const BaseSyscalls& base) {
    if (base.all) return true;
    const Wanted positive = positive_set(base.custom_set);
    for (const events::SyscallEntry& e : events::syscall_entries())
        if (positive[e.type] && events::command_param(e)) return true;
    return false;
}

std::vector<uint32_t> numbers(const Wanted& wanted) {
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
    Wanted wanted = types_reading(rules, is_data_field);
    keep_where(wanted, events::has_io_data);
    return numbers(wanted);
}

std::vector<uint32_t> file_syscalls(const engine::Ruleset& rules) {
    Wanted wanted = types_reading(rules, is_event_fd_field);
    keep_where(wanted, carries_file_on_demand);
    return numbers(wanted);
}

std::vector<uint32_t> qualified_syscalls(const engine::Ruleset& rules) {
    Wanted wanted = types_reading(rules, is_event_fd_field);
    keep_where(wanted, [](const events::SyscallEntry& e) {
        return e.args.prot != SENSOR_NO_ARG || e.has(events::sysflag::kReceivesFds);
    });
    // Any enabled rule on the call that can match without qualifying keeps all of it.
    for (const auto& r : rules.rules) {
        if (!r.enabled || r.source != fields::kSyscallSource || requires_qualifying(*r.filter))
            continue;
        for (size_t t = 0; t < r.types.size() && t < wanted.size(); ++t)
            if (r.types[t]) wanted[t] = 0;
    }
    return numbers(wanted);
}

std::vector<uint32_t> traced_syscalls(const engine::Ruleset& rules, const BaseSyscalls& base) {
    Wanted wanted = rules_set(rules);
    const Wanted positive = positive_set(base.custom_set);
    const bool has_positive = std::find(positive.begin(), positive.end(), 1) != positive.end();
    if (has_positive) {
        for (size_t t = 0; t < wanted.size(); ++t) wanted[t] |= positive[t];
        if (base.repair) repair(wanted);
    } else if (base.repair) {
        repair(wanted);
    } else {
        // Whatever the rules say, the state tables need these (events::traced_for_state).
        add_where(wanted, events::traced_for_state);
    }
    if (base.all) std::fill(wanted.begin(), wanted.end(), 1);
    for (const auto& n : base.custom_set)
        if (n.size() > 1 && n[0] == '!')
            if (auto id = events::event_type_id(std::string_view(n).substr(1))) wanted[*id] = 0;
    return numbers(wanted);
}

std::vector<std::string> unknown_syscall_names(const std::vector<std::string>& custom_set) {
    std::vector<std::string> out;
    for (const auto& n : custom_set) {
        std::string_view name = n;
        if (!name.empty() && name[0] == '!') name.remove_prefix(1);
        auto id = events::event_type_id(name);
        if (!id || !events::is_syscall(*id)) out.push_back(n);
    }
    return out;
}

capture::ProbeConfig probe_config(const engine::Ruleset& rules, bool filter_opens,
                                  const BaseSyscalls& base) {
    capture::ProbeConfig c;
    c.syscalls = traced_syscalls(rules, base);
    c.data_syscalls = data_syscalls(rules);
    c.identity = file_identity(rules);
    c.arg_predicates = command_predicates(rules, c.syscalls, every_command(base));
    c.file_syscalls = file_syscalls(rules);
    c.qualified_syscalls = qualified_syscalls(rules);
    if (filter_opens)
        c.open_filter = open_path_filter(rules);
    else
        c.open_filter.reason = "capture.open_path_filter is false";
    return c;
}

}  // namespace sensor::policy
