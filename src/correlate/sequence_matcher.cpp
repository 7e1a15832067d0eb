#include "sensor/correlate/sequence_matcher.h"

#include <algorithm>

namespace sensor::correlate {
namespace {

// Event time between sweeps: a tenth of the allowed lateness (at least a second), so state
// outlives its window by at most that much, and a sweep over everything kept stays rare.
uint64_t sweep_interval(const Limits& l) {
    return std::max<uint64_t>(1000000000ull, l.allowed_lateness_ns / 10);
}
constexpr char kKeySeparator = '\x1f';

// A field's value on an event, through its one-token template; false when absent.
bool field_text(const engine::StepField& f, const fields::Event& ev, std::string& out) {
    out.clear();
    return f.op && engine::append_operand_text(*f.op->tokens[0].operand, ev, out);
}

// How an analyst finds the event again: the audit ID of an audit event, else its number.
std::string event_ref(const fields::Event& ev) {
    std::string ref(fields::source(ev.source).name());
    if (const fields::EventSource& src = fields::source(ev.source); src.find_field("ka.auditid")) {
        static const engine::OutputTemplate audit_id = [&] {
            return engine::compile_output("%ka.auditid", ev.source);
        }();
        std::string id;
        if (engine::append_operand_text(*audit_id.tokens[0].operand, ev, id))
            return ref + " auditID " + id;
    }
    return ref + " event #" + std::to_string(ev.num);
}

// A step's join key and captured output fields on an event; false when a `by` value is
// missing (no chain can hold the occurrence).
bool occurrence_of(const engine::SequenceStep& st, const fields::Event& ev, std::string& key,
                   Occurrence& o) {
    std::string value;
    for (const auto& f : st.by) {
        if (!field_text(f, ev, value)) return false;
        key += value;
        key += kKeySeparator;
    }
    o.ts = ev.ts;
    for (const auto& c : st.captures)
        if (field_text(c, ev, value)) o.captured.emplace_back(c.name, value);
    return true;
}

}  // namespace

const std::string* Match::field(const std::string& name) const {
    for (const Occurrence* o : chain)
        for (const auto& [k, v] : o->captured)
            if (k == name) return &v;
    return nullptr;
}

std::string Match::render_output() const {
    std::string out;
    for (const engine::OutputPiece& piece : seq->output_pieces) {
        out += piece.literal;
        if (piece.field.empty()) continue;
        const std::string* v = field(piece.field);
        out += v ? *v : "<NA>";
    }
    return out;
}

SequenceMatcher::SequenceMatcher(std::shared_ptr<const engine::Ruleset> rules, Limits limits,
                                 FireFn fire)
    : limits_(limits), fire_(std::move(fire)) {
    set_rules(std::move(rules));
}

void SequenceMatcher::set_rules(std::shared_ptr<const engine::Ruleset> rules) {
    std::vector<SequenceState> next(rules->sequences.size());
    if (rules_) {
        for (size_t i = 0; i < rules_->sequences.size(); ++i)
            for (size_t j = 0; j < rules->sequences.size(); ++j)
                if (rules->sequences[j].name == rules_->sequences[i].name &&
                    rules->sequences[j].steps.size() == rules_->sequences[i].steps.size())
                    next[j] = std::move(state_[i]);
        size_t kept = 0;
        for (const auto& s : next)
            for (const auto& [k, steps] : s.by_key)
                for (const auto& d : steps) kept += d.size();
        counters_.evicted += counters_.kept - kept;  // partial matches of removed sequences
        counters_.kept = kept;
    }
    rules_ = std::move(rules);
    state_ = std::move(next);
    rule_steps_.clear();
    step_of_rule_.assign(rules_->step_rules.size(), {0, 0});
    for (size_t i = 0; i < rules_->sequences.size(); ++i)
        for (size_t j = 0; j < rules_->sequences[i].steps.size(); ++j) {
            const auto& st = rules_->sequences[i].steps[j];
            if (!st.is_rule)
                step_of_rule_[st.step_rule] = {i, j};
            else if (rules_->sequences[i].enabled)
                rule_steps_[st.rule].emplace_back(i, j);
        }
}

void SequenceMatcher::on_event(const fields::Event& ev, engine::EvalCtx& ctx) {
    if (rules_->step_rules.empty()) return;
    rules_->evaluate_steps(ev, ctx, [&](uint32_t step_rule) {
        const auto [i, j] = step_of_rule_[step_rule];
        std::string key;
        Occurrence o;
        if (!occurrence_of(rules_->sequences[i].steps[j], ev, key, o)) return;
        o.what = std::string(fields::source(ev.source).name());
        o.ref = event_ref(ev);
        add(i, j, std::move(key), std::move(o));
    });
}

void SequenceMatcher::on_rule_match(const engine::CompiledRule& rule, const fields::Event& ev) {
    auto it = rule_steps_.find(rule.name);
    if (it == rule_steps_.end()) return;
    for (const auto& [i, j] : it->second) {
        const auto& st = rules_->sequences[i].steps[j];
        std::string key;
        Occurrence o;
        if (!st.rule_loaded || st.source != ev.source || !occurrence_of(st, ev, key, o)) continue;
        o.what = rule.name;
        o.ref = "alert of " + rule.name + ", " + event_ref(ev);
        add(i, j, std::move(key), std::move(o));
    }
}

void SequenceMatcher::on_alert(const ReceivedAlert& alert) {
    auto it = rule_steps_.find(alert.rule);
    if (it == rule_steps_.end()) return;
    for (const auto& [i, j] : it->second) {
        const auto& st = rules_->sequences[i].steps[j];
        std::string key;
        bool complete = true;
        for (const auto& f : st.by) {
            auto v = alert.fields.find(f.name);
            complete = complete && v != alert.fields.end();
            if (!complete) break;
            key += v->second;
            key += kKeySeparator;
        }
        if (!complete) continue;
        Occurrence o;
        o.ts = alert.ts;
        o.what = alert.rule;
        o.ref = alert.ref;
        for (const auto& c : st.captures)
            if (auto v = alert.fields.find(c.name); v != alert.fields.end())
                o.captured.emplace_back(c.name, v->second);
        add(i, j, std::move(key), std::move(o));
    }
}

void SequenceMatcher::note_time(uint64_t ts) {
    if (ts > max_ts_) max_ts_ = ts;
    if (max_ts_ >= last_expiry_ts_ + sweep_interval(limits_)) expire();
}

void SequenceMatcher::add(size_t seq, size_t step, std::string key, Occurrence occ) {
    const auto& sq = rules_->sequences[seq];
    if (!sq.enabled) return;
    const uint64_t watermark =
        max_ts_ > limits_.allowed_lateness_ns ? max_ts_ - limits_.allowed_lateness_ns : 0;
    if (occ.ts < watermark) ++counters_.late;
    Steps& steps = state_[seq].by_key[key];
    if (steps.empty()) steps.resize(sq.steps.size());
    auto& list = steps[step];
    if (list.size() >= limits_.max_per_key_step) {
        list.pop_front();
        ++counters_.evicted;
        --counters_.kept;
    }
    list.push_back(std::move(occ));
    ++counters_.occurrences;
    ++counters_.kept;
    complete_chains(seq, steps, step, list.back());
    note_time(list.back().ts);
    if (counters_.kept > limits_.max_total) enforce_total();
}

// The earliest occurrence of each step after the previous one: with the first and the new
// occurrence fixed, the earliest choices are the ones that fit a chain if any does.
bool SequenceMatcher::fill_chain(const engine::CompiledSequence& sq, Steps& steps,
                                 size_t fixed_step, const Occurrence& fixed,
                                 std::vector<const Occurrence*>& chain) {
    const uint64_t t0 = chain[0]->ts;
    const uint64_t limit = t0 + sq.within_ns;
    for (size_t j = 1; j < sq.steps.size(); ++j) {
        const uint64_t prev = chain[j - 1]->ts;
        if (j == fixed_step) {
            if (fixed.ts < prev || fixed.ts > limit) return false;
            chain[j] = &fixed;
            continue;
        }
        const uint64_t upper = j < fixed_step ? std::min(limit, fixed.ts) : limit;
        const Occurrence* best = nullptr;
        for (const Occurrence& o : steps[j])
            if (o.ts >= prev && o.ts <= upper && (!best || o.ts < best->ts)) best = &o;
        if (!best) return false;
        chain[j] = best;
    }
    return true;
}

void SequenceMatcher::complete_chains(size_t seq, Steps& steps, size_t step,
                                      const Occurrence& occ) {
    const auto& sq = rules_->sequences[seq];
    std::vector<const Occurrence*> chain(sq.steps.size());
    auto try_first = [&](Occurrence& first) {
        if (first.fired_as_first) return;
        chain[0] = &first;
        if (!fill_chain(sq, steps, step, occ, chain)) return;
        first.fired_as_first = true;
        ++counters_.matches;
        Match m;
        m.seq = &sq;
        m.ts = chain.back()->ts;
        m.chain = chain;
        fire_(m);
    };
    if (step == 0) {
        try_first(steps[0].back());
        return;
    }
    for (Occurrence& first : steps[0])
        if (first.ts <= occ.ts && occ.ts - first.ts <= sq.within_ns) try_first(first);
}

void SequenceMatcher::expire() {
    last_expiry_ts_ = max_ts_;
    const uint64_t watermark =
        max_ts_ > limits_.allowed_lateness_ns ? max_ts_ - limits_.allowed_lateness_ns : 0;
    for (size_t i = 0; i < state_.size(); ++i) {
        const uint64_t within = rules_->sequences[i].within_ns;
        auto& keys = state_[i].by_key;
        for (auto it = keys.begin(); it != keys.end();) {
            size_t left = 0;
            for (auto& list : it->second) {
                size_t before = list.size();
                list.erase(
                    std::remove_if(list.begin(), list.end(),
                                   [&](const Occurrence& o) { return o.ts + within < watermark; }),
                    list.end());
                counters_.expired += before - list.size();
                counters_.kept -= before - list.size();
                left += list.size();
            }
            it = left ? std::next(it) : keys.erase(it);
        }
    }
}

// Over the total bound after expiry: whole keys go, oldest sequences' first (counted).
void SequenceMatcher::enforce_total() {
    expire();
    for (auto& s : state_) {
        for (auto it = s.by_key.begin();
             it != s.by_key.end() && counters_.kept > limits_.max_total;) {
            for (const auto& list : it->second) {
                counters_.evicted += list.size();
                counters_.kept -= list.size();
            }
            it = s.by_key.erase(it);
        }
    }
}

}  // namespace sensor::correlate
