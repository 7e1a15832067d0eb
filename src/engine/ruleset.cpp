#include "sensor/engine/ruleset.h"

namespace sensor::engine {

namespace {

using Index = std::vector<std::vector<std::vector<uint32_t>>>;

// [source][type] -> the enabled rules of that source whose type set has the type.
Index index_rules(const std::vector<CompiledRule>& rules) {
    const auto& sources = fields::sources();
    Index by_source(sources.size());
    for (size_t s = 0; s < sources.size(); ++s)
        by_source[s].assign(sources[s]->event_type_count(), {});
    for (uint32_t i = 0; i < rules.size(); ++i) {
        const CompiledRule& r = rules[i];
        if (!r.enabled || r.source >= by_source.size()) continue;
        auto& by_type = by_source[r.source];
        for (size_t t = 0; t < r.types.size() && t < by_type.size(); ++t)
            if (r.types[t]) by_type[t].push_back(i);
    }
    return by_source;
}

}  // namespace

void Ruleset::build_index() {
    by_source_ = index_rules(rules);
    steps_by_source_ = index_rules(step_rules);
}

const std::vector<uint32_t>& Ruleset::rules_for(fields::SourceId source,
                                                events::EventTypeId type) const {
    static const std::vector<uint32_t> kNone;
    if (source >= by_source_.size() || type >= by_source_[source].size()) return kNone;
    return by_source_[source][type];
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
