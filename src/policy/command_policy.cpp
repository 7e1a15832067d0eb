#include "sensor/policy/command_policy.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "sensor/events/param_parse.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"

namespace sensor::policy {
namespace {

using engine::Check;
using engine::CmpOp;
using engine::FilterNode;

// What a (sub)condition allows of the command: anything, or one of `values` (none: the
// condition cannot hold for the call).
struct ValueSet {
    bool all = false;
    std::vector<int64_t> values;
    static ValueSet any() { return ValueSet{true, {}}; }
};

ValueSet unite(ValueSet a, const ValueSet& b) {
    if (a.all || b.all) return ValueSet::any();
    a.values.insert(a.values.end(), b.values.begin(), b.values.end());
    return a;
}

// Both must hold, so either side alone over-approximates: keep the narrower one.
ValueSet intersect(ValueSet a, ValueSet b) {
    if (a.all) return b;
    if (b.all) return a;
    return a.values.size() <= b.values.size() ? a : b;
}

// A command as a rule names it: Falco's text form (F_GETFL) through evt.arg, or a number
// through evt.rawarg; nullopt when it is neither.
std::optional<int64_t> command_value(const std::string& text, const events::ParamSpec& param,
                                     bool raw) {
    if (!raw) return events::parse_param(param.fmt, text);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// A positive check: the values it pins the command to, or any.
ValueSet command_check(const Check& k, const events::ParamSpec& param) {
    if (!k.lhs->is_field() || k.rhs || k.lhs->multi) return ValueSet::any();
    std::string_view field = k.lhs->field.def->name;
    const bool raw = field == "evt.rawarg";
    if ((field != "evt.arg" && !raw) || k.lhs->field.arg.key != param.name) return ValueSet::any();
    if (k.op != CmpOp::Eq && k.op != CmpOp::In) return ValueSet::any();
    ValueSet out;
    if (raw && !k.i64s.empty()) {  // compared as numbers
        out.values = k.i64s;
        return out;
    }
    if (k.strs.empty()) return ValueSet::any();
    for (const auto& s : k.strs) {
        std::optional<int64_t> v = command_value(s, param, raw);
        if (!v) return ValueSet::any();
        out.values.push_back(*v);
    }
    return out;
}

ValueSet walk(const FilterNode& n, bool negated, events::EventTypeId type,
              const events::ParamSpec& param) {
    switch (n.kind) {
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or: {
            const bool conj = (n.kind == FilterNode::Kind::And) != negated;  // De Morgan
            ValueSet acc = conj ? ValueSet::any() : ValueSet{};
            for (const FilterNode* k : n.kids) {
                ValueSet m = walk(*k, negated, type, param);
                acc = conj ? intersect(std::move(acc), std::move(m)) : unite(std::move(acc), m);
            }
            return acc;
        }
        case FilterNode::Kind::Not:
            return walk(*n.kids[0], !negated, type, param);
        case FilterNode::Kind::Macro:
            return walk(*n.target, negated, type, param);
        case FilterNode::Kind::Const:
            return n.const_value != negated ? ValueSet::any() : ValueSet{};
        case FilterNode::Kind::Check: {
            const Check& k = *n.check;
            if (k.evt_type) {
                bool has = type < k.type_mask.size() && k.type_mask[type];
                if ((k.op == CmpOp::Ne) != negated) has = !has;
                return has ? ValueSet::any() : ValueSet{};
            }
            if (engine::is_never_true(k)) return negated ? ValueSet::any() : ValueSet{};
            if (negated) return ValueSet::any();
            return command_check(k, param);
        }
    }
    return ValueSet::any();
}

// The commands of one call the rules and the state need; nullopt: every command.
std::optional<std::vector<int64_t>> needed_commands(const engine::Ruleset& rules,
                                                    const events::SyscallEntry& e,
                                                    const events::ParamSpec& param) {
    std::vector<int64_t> out = events::state_commands(e);
    for (const auto& r : rules.rules) {
        if (!r.enabled || r.source != fields::kSyscallSource) continue;
        if (e.type >= r.types.size() || !r.types[e.type]) continue;
        ValueSet s = walk(*r.filter, false, e.type, param);
        if (s.all) return std::nullopt;
        out.insert(out.end(), s.values.begin(), s.values.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

std::vector<capture::ArgPredicate> command_predicates(const engine::Ruleset& rules,
                                                      const std::vector<uint32_t>& traced,
                                                      bool every_command) {
    std::vector<capture::ArgPredicate> out;
    if (every_command) return out;
    for (uint32_t nr : traced) {
        const events::SyscallEntry* e = events::syscall_entry(events::syscall_name(nr));
        const events::ParamSpec* param = e ? events::command_param(*e) : nullptr;
        if (!param) continue;
        if (auto allowed = needed_commands(rules, *e, *param))
            out.push_back({nr, e->args.cmd, std::move(*allowed)});
    }
    return out;
}

}  // namespace sensor::policy
