#pragma once
// The compiled ruleset: rules in definition order, indexed by event type. Evaluation visits
// only the rules whose event-type set contains the event's type.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sensor/engine/event_type_set.h"
#include "sensor/engine/filter_builder.h"
#include "sensor/engine/output_template.h"
#include "sensor/engine/priority.h"

namespace sensor::engine {

struct CompiledRule {
    std::string name;
    std::string desc;
    std::string source = "syscall";
    Priority priority = Priority::Debug;
    std::vector<std::string> tags;  // sorted
    const FilterNode* filter = nullptr;
    EventTypeMask types;
    size_t type_count = 0;
    std::string condition;  // the final condition text (lists substituted, exceptions added)
    std::string output_format;
    engine::OutputTemplate output;
    bool enabled = true;
};

class Ruleset {
  public:
    std::vector<CompiledRule> rules;  // in first-definition order
    FilterArena arena;
    bool match_all = false;  // rule_matching: all (default first)

    // Builds the per-event-type lists from the enabled rules.
    void build_index();
    EvalCtx new_context() const;

    // Calls on_match(const CompiledRule&) for the first matching rule (or all with match_all).
    // Returns the number of matches.
    template <typename F>
    size_t evaluate(const fields::Event& ev, EvalCtx& ctx, F&& on_match) const {
        if (ev.type >= by_type_.size()) return 0;
        ctx.begin(ev);
        size_t n = 0;
        for (uint32_t id : by_type_[ev.type]) {
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
        if (ev.type >= by_type_.size()) return 0;
        ctx.begin(ev);
        size_t n = 0;
        for (uint32_t id : by_type_[ev.type]) {
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

    size_t enabled_count() const;
    const std::vector<uint32_t>& rules_for_type(events::EventTypeId t) const { return by_type_[t]; }

  private:
    std::vector<std::vector<uint32_t>> by_type_;
};

}  // namespace sensor::engine
