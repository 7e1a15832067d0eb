#include "sensor/engine/ruleset.h"

#include "sensor/events/event_types.h"

namespace sensor::engine {

void Ruleset::build_index() {
    by_type_.assign(events::event_type_count(), {});
    for (uint32_t i = 0; i < rules.size(); ++i) {
        const CompiledRule& r = rules[i];
        if (!r.enabled) continue;
        for (size_t t = 0; t < r.types.size() && t < by_type_.size(); ++t)
            if (r.types[t]) by_type_[t].push_back(i);
    }
}

EvalCtx Ruleset::new_context() const {
    EvalCtx c;
    c.memo_gen.assign(arena.memo_slots, 0);
    c.memo_val.assign(arena.memo_slots, 0);
    return c;
}

size_t Ruleset::enabled_count() const {
    size_t n = 0;
    for (const auto& r : rules) n += r.enabled;
    return n;
}

}  // namespace sensor::engine
