#include "sensor/engine/event_type_set.h"

#include "sensor/fields/event_source.h"

namespace sensor::engine {
namespace {

void complement(EventTypeMask& m) {
    for (auto& b : m) b = !b;
}

// Sets over the `count` event types of the condition's source.
EventTypeMask walk(const FilterNode& n, bool negated, size_t count) {
    auto all = [count] { return EventTypeMask(count, 1); };
    auto none = [count] { return EventTypeMask(count, 0); };
    switch (n.kind) {
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or: {
            // and/or swap under negation (De Morgan)
            bool intersect = (n.kind == FilterNode::Kind::And) != negated;
            EventTypeMask acc = intersect ? all() : none();
            for (const FilterNode* k : n.kids) {
                EventTypeMask m = walk(*k, negated, count);
                for (size_t i = 0; i < acc.size(); ++i)
                    acc[i] = intersect ? (acc[i] && m[i]) : (acc[i] || m[i]);
            }
            return acc;
        }
        case FilterNode::Kind::Not:
            return walk(*n.kids[0], !negated, count);
        case FilterNode::Kind::Macro:
            return walk(*n.target, negated, count);
        case FilterNode::Kind::Const:
            return (n.const_value != negated) ? all() : none();
        case FilterNode::Kind::Check: {
            const Check& k = *n.check;
            if (k.evt_type) {
                EventTypeMask m = k.type_mask;
                if ((k.op == CmpOp::Ne) != negated) complement(m);
                return m;
            }
            if (k.op == CmpOp::Exists && k.lhs->is_field() &&
                (k.lhs->field.def->name == "evt.type" || k.lhs->field.def->name == "syscall.type"))
                return negated ? none() : all();
            if (is_never_true(k)) return negated ? all() : none();
            return all();
        }
    }
    return all();
}

}  // namespace

// evt.num >= 1 always holds, so `evt.num = 0` (the rules' `never_true`) matches nothing.
bool is_never_true(const Check& k) {
    return k.lhs->is_field() && k.lhs->field.def->name == "evt.num" && k.op == CmpOp::Eq &&
           k.mod == Modifier::None && !k.rhs && k.u64s.size() == 1 && k.u64s[0] == 0;
}

EventTypeMask event_types_of(const FilterNode& root, fields::SourceId source) {
    return walk(root, false, fields::source(source).event_type_count());
}

size_t count_types(const EventTypeMask& m) {
    size_t n = 0;
    for (auto b : m) n += b != 0;
    return n;
}

}  // namespace sensor::engine
