#pragma once
// A compiled `sequence` (the sensor's extension of the rule language, docs/rules-language.md):
// steps that must happen in event-time order within a window, joined by `by` values. A step is
// an alert of a rule (raised here or received from another sensor) or an event of a source
// matching a condition. The condition steps are compiled like rules into the ruleset's
// `step_rules`; matching itself is the correlate module's.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sensor/engine/output_template.h"
#include "sensor/engine/priority.h"
#include "sensor/fields/event_source.h"

namespace sensor::engine {

// A field value a step provides: compiled for the step's source when it has the field (a
// condition step, or a rule step whose rule is loaded here), else read by name from a
// received alert's output_fields.
struct StepField {
    std::string name;                          // as written: `ka.user.extra[...pod-uid]`
    std::shared_ptr<const OutputTemplate> op;  // one token; null: from output_fields only
};

struct SequenceStep {
    bool is_rule = false;
    std::string rule;                                  // rule step: the rule whose alerts match
    bool rule_loaded = false;                          // the rule is in this ruleset
    fields::SourceId source = fields::kSyscallSource;  // condition step, or the loaded rule's
    uint32_t step_rule = 0;           // condition step: index into Ruleset::step_rules
    std::vector<StepField> by;        // the join key, one per `by` field
    std::vector<StepField> captures;  // the output's fields this step provides
};

// A sequence's output, split once: text, then a %field, ...; the last piece has no field.
struct OutputPiece {
    std::string literal;  // the text before the field
    std::string field;    // `name` or `name[arg]`; empty for the trailing text
    size_t offset = 0;    // where the field's `%` is in the output
};

struct CompiledSequence {
    std::string name;
    std::string desc;
    uint64_t within_ns = 0;  // first to last step, in event time
    std::vector<SequenceStep> steps;
    std::string output_format;
    std::vector<OutputPiece> output_pieces;
    std::vector<std::string> output_fields;  // every %field of the output, as written, once
    Priority priority = Priority::Debug;
    std::vector<std::string> tags;
    bool enabled = true;
};

// Splits an output into text and %fields (`%name`, `%name[arg]`).
std::vector<OutputPiece> split_sequence_output(const std::string& format);

// "30m", "90s", "1h30m", "500ms": a duration in ns; false when it is not one.
bool parse_duration(const std::string& text, uint64_t& ns);

}  // namespace sensor::engine
