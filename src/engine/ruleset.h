#pragma once
// The compiled ruleset: rules in definition order, indexed by (event source, event type).
// Evaluation visits only the rules of the event's source whose event-type set contains the
// event's type.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sensor/engine/event_type_set.h"
#include "sensor/engine/filter_builder.h"
#include "sensor/engine/output_template.h"
#include "sensor/engine/priority.h"
#include "sensor/engine/sequence.h"
#include "sensor/fields/event_source.h"

namespace sensor::engine {

struct CompiledRule {
    std::string name;
    std::string desc;
    fields::SourceId source = fields::kSyscallSource;  // the events it applies to
    Priority priority = Priority::Debug;
    std::vector<std::string> tags;  // sorted
    const FilterNode* filter = nullptr;
    EventTypeMask types;
    size_t type_count = 0;
    std::string condition;  // the final condition text (lists substituted, exceptions added)
    std::string output_format;
    engine::OutputTemplate output;
    bool enabled = true;
    // Falco's `capture` and `capture_duration` (ms; 0: capture.default_duration): a match
    // starts or extends a capture file (docs/capture.md).
    bool capture = false;
    uint64_t capture_duration_ms = 0;

    // The source's name, as rules files and alerts (`source`) spell it.
    std::string_view source_name() const { return fields::source(source).name(); }
};

class Ruleset {
  public:
    std::vector<CompiledRule> rules;  // in first-definition order
    // Sequences and the conditions of their condition steps (compiled like rules, indexed
    // apart: they raise no alert of their own).
    std::vector<CompiledSequence> sequences;
    std::vector<CompiledRule> step_rules;
    FilterArena arena;
    bool match_all = false;  // rule_matching: all (default first)

    // Builds the per-(source, event type) lists from the enabled rules.
    void build_index();
    EvalCtx new_context() const;

    // Calls on_match(const CompiledRule&) for the first matching rule (or all with match_all).
    // Returns the number of matches.
    template <typename F>
    size_t evaluate(const fields::Event& ev, EvalCtx& ctx, F&& on_match) const {
        const std::vector<uint32_t>* ids = candidates(ev);
        if (!ids) return 0;
        ctx.begin(ev);
        size_t n = 0;
        for (uint32_t id : *ids) {
            const CompiledRule& r = rules[id];
            if (!r.filter->eval(ctx)) continue;
            ++n;
            on_match(r);
            if (!match_all) break;
        }
        return n;
    }

    // evaluate() that also adds each evaluated rule's time to rule_ns[rule index]; for
    // sampling (two clock reads per rule), not for every event.
    template <typename F>
    size_t evaluate_timed(const fields::Event& ev, EvalCtx& ctx, std::vector<uint64_t>& rule_ns,
                          F&& on_match) const {
        const std::vector<uint32_t>* ids = candidates(ev);
        if (!ids) return 0;
        ctx.begin(ev);
        size_t n = 0;
        for (uint32_t id : *ids) {
            const CompiledRule& r = rules[id];
            auto t0 = std::chrono::steady_clock::now();
            bool hit = r.filter->eval(ctx);
            if (id < rule_ns.size())
                rule_ns[id] +=
                    static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - t0)
                                              .count());
            if (!hit) continue;
            ++n;
            on_match(r);
            if (!match_all) break;
        }
        return n;
    }

    // Calls on_step(uint32_t step_rule_index) for every sequence condition step the event
    // matches.
    template <typename F>
    void evaluate_steps(const fields::Event& ev, EvalCtx& ctx, F&& on_step) const {
        if (ev.source >= steps_by_source_.size()) return;
        const auto& by_type = steps_by_source_[ev.source];
        if (ev.type >= by_type.size() || by_type[ev.type].empty()) return;
        ctx.begin(ev);
        for (uint32_t id : by_type[ev.type])
            if (step_rules[id].filter->eval(ctx)) on_step(id);
    }

    size_t enabled_count() const;
    // The enabled rules evaluate() tries for an event of that source and type, in order.
    const std::vector<uint32_t>& rules_for(fields::SourceId source, events::EventTypeId type) const;

  private:
    // by_source_[source][type]: indexes into rules. Two array lookups, no hashing.
    std::vector<std::vector<std::vector<uint32_t>>> by_source_;
    std::vector<std::vector<std::vector<uint32_t>>> steps_by_source_;  // into step_rules

    const std::vector<uint32_t>* candidates(const fields::Event& ev) const {
        if (ev.source >= by_source_.size()) return nullptr;
        const auto& by_type = by_source_[ev.source];
        if (ev.type >= by_type.size()) return nullptr;
        return &by_type[ev.type];
    }
};

}  // namespace sensor::engine
