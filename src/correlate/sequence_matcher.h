#pragma once
// Matching of `sequence` rules (docs/rules-language.md, "Sequences"): occurrences of steps
// (events matching a condition step, alerts of a rule step: raised here or received) are kept
// per sequence and join key; when one completes a chain (every step in event-time order, the
// whole within the sequence's window) the sequence fires, once per first-step occurrence.
//
// Matching is by event time, not arrival: an occurrence is matched against what is stored,
// whichever came first, so an audit event arriving minutes after the shell alert it follows
// still completes the chain. Occurrences are kept until the watermark (the latest event time
// seen, minus the allowed lateness) is past their window; an occurrence older than the
// watermark when it arrives is late (counted, still matched). State is bounded per key and
// step and in total; what the bounds evict is counted. Nothing is silent.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sensor/engine/ruleset.h"

namespace sensor::correlate {

struct Limits {
    uint64_t allowed_lateness_ns = 300ull * 1000000000ull;  // 5 min
    size_t max_per_key_step = 64;  // occurrences kept per sequence, key and step
    size_t max_total = 1000000;    // occurrences kept in all
};

// A step occurrence: when it happened, what it was, and the output fields it provides.
struct Occurrence {
    uint64_t ts = 0;
    std::string what;  // the rule name, or the source of a condition step
    std::string ref;   // how to find it: "alert <uuid>", "k8s_audit event <auditID>" ...
    std::vector<std::pair<std::string, std::string>> captured;
    bool fired_as_first = false;  // a first step fires once
};

// A completed sequence: its steps' occurrences in order (valid during the callback).
struct Match {
    const engine::CompiledSequence* seq = nullptr;
    uint64_t ts = 0;  // the last step's time
    std::vector<const Occurrence*> chain;
    // The value of an output field: from the first step that provides it; null when none has.
    const std::string* field(const std::string& name) const;
    // The sequence's output with %fields replaced (<NA> when absent).
    std::string render_output() const;
};

struct Counters {
    uint64_t occurrences = 0;  // step occurrences stored
    uint64_t matches = 0;      // sequences fired
    uint64_t late = 0;         // occurrences older than the watermark on arrival
    uint64_t evicted = 0;      // dropped by the bounds before their window ended
    uint64_t expired = 0;      // dropped when the watermark passed their window
    uint64_t kept = 0;         // stored now
};

using FireFn = std::function<void(const Match&)>;

// A received alert, as its JSON says: rule, time, output_fields (values as text; absent or
// null fields left out), and a reference (its uuid, else its hostname and time).
struct ReceivedAlert {
    std::string rule;
    std::string priority;
    uint64_t ts = 0;
    std::map<std::string, std::string> fields;
    std::string ref;
};

class SequenceMatcher {
  public:
    SequenceMatcher(std::shared_ptr<const engine::Ruleset> rules, Limits limits, FireFn fire);

    // An event of any source: the condition steps it matches.
    void on_event(const fields::Event& ev, engine::EvalCtx& ctx);
    // A rule of this ruleset matched `ev` (its alert is a rule step occurrence).
    void on_rule_match(const engine::CompiledRule& rule, const fields::Event& ev);
    // An alert received from another sensor (or read back from a file).
    void on_alert(const ReceivedAlert& alert);
    // Drops what the watermark has passed; called by the owner now and then (cheap when due
    // only every second of event time).
    void expire();

    bool active() const { return !rules_->sequences.empty(); }
    const Counters& counters() const { return counters_; }
    // A new ruleset (reload): partial matches of sequences that still exist, by name, stay.
    void set_rules(std::shared_ptr<const engine::Ruleset> rules);

  private:
    using Steps = std::vector<std::deque<Occurrence>>;  // per step
    struct SequenceState {
        std::unordered_map<std::string, Steps> by_key;
    };

    void add(size_t seq, size_t step, std::string key, Occurrence occ);
    void complete_chains(size_t seq, Steps& steps, size_t step, const Occurrence& occ);
    bool fill_chain(const engine::CompiledSequence& sq, Steps& steps, size_t fixed_step,
                    const Occurrence& fixed, std::vector<const Occurrence*>& chain);
    void note_time(uint64_t ts);
    void enforce_total();

    std::shared_ptr<const engine::Ruleset> rules_;
    Limits limits_;
    FireFn fire_;
    std::vector<SequenceState> state_;  // per sequence
    // (sequence, step) of each rule step by rule name, and of each condition step's rule.
    std::unordered_map<std::string, std::vector<std::pair<size_t, size_t>>> rule_steps_;
    std::vector<std::pair<size_t, size_t>> step_of_rule_;  // by Ruleset::step_rules index
    uint64_t max_ts_ = 0, last_expiry_ts_ = 0;
    Counters counters_;
    std::string scratch_;
};

}  // namespace sensor::correlate
