#pragma once
// The rules collected from all files so far, with Falco's define / append / override
// semantics: a redefinition replaces content in place (first position kept), appends join.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "sensor/engine/priority.h"
#include "source_text.h"

namespace sensor::rules {

// A load error raised while reading or collecting; carries the full diagnostic.
struct LoadError : std::runtime_error {
    Diagnostic diag;
    explicit LoadError(Diagnostic d) : std::runtime_error(d.message), diag(std::move(d)) {}
};

Diagnostic make_diag(bool error, std::string code, std::string message, const Location& loc,
                     std::string kind, std::string name);

struct ListDef {
    std::string name;
    std::vector<std::string> items;
    Location loc;
    size_t index = 0, visibility = 0;
    bool used = false;
};

struct MacroDef {
    std::string name;
    LocatedText condition;
    Location loc;
    size_t index = 0, visibility = 0;
    bool used = false;
};

struct ExceptionValue {
    bool is_list = false;
    std::string scalar;
    std::vector<std::string> list;
};

struct ExceptionDef {
    std::string name;
    bool fields_is_list = false;
    std::vector<std::string> fields;
    bool comps_given = false;
    std::vector<std::string> comps;
    std::vector<std::vector<ExceptionValue>> values;  // rows (scalar fields: one value per row)
    Location loc;
};

struct RuleDef {
    std::string name;
    LocatedText condition;
    LocatedText output;
    std::string desc;
    engine::Priority priority = engine::Priority::Debug;
    std::string source = "syscall";
    std::set<std::string> tags;
    std::vector<ExceptionDef> exceptions;
    bool enabled = true;
    bool warn_evttypes = true;
    bool skip_if_unknown_filter = false;
    bool capture = false;
    uint64_t capture_duration = 0;
    Location loc;
    size_t index = 0, visibility = 0;
};

// What one rule item of a file says; absent keys stay nullopt.
struct RuleDecl {
    std::string name;
    std::optional<LocatedText> condition, output;
    std::optional<std::string> desc, source;
    std::optional<engine::Priority> priority;
    std::optional<std::set<std::string>> tags;
    std::optional<std::vector<ExceptionDef>> exceptions;
    std::optional<bool> enabled, warn_evttypes, skip_if_unknown_filter, capture;
    std::optional<uint64_t> capture_duration;
    bool append = false;
    std::map<std::string, std::string> override_ops;  // key -> append|replace
    bool has_override = false;
    Location loc;
    std::map<std::string, Location> key_locs;
};

struct ListDecl {
    std::string name;
    std::vector<std::string> items;
    bool append = false;
    std::optional<std::string> override_op;  // for `items`
    bool has_override = false;
    Location loc;
};

struct MacroDecl {
    std::string name;
    LocatedText condition;
    bool append = false;
    std::optional<std::string> override_op;  // for `condition`
    bool has_override = false;
    Location loc;
};

// A `sequence` item (the sensor's extension, docs/rules-language.md). A later definition of
// the same name replaces it whole.
struct SequenceStepDecl {
    std::string rule;    // a rule step
    std::string source;  // a condition step: its source and condition
    std::optional<LocatedText> condition;
    std::vector<std::string> by;
    Location loc;
};

struct SequenceDef {
    std::string name;
    std::string desc;
    std::string within;  // as written; checked when compiled
    Location within_loc;
    std::vector<SequenceStepDecl> steps;
    LocatedText output;
    engine::Priority priority = engine::Priority::Debug;
    std::set<std::string> tags;
    bool enabled = true;
    Location loc;
};

class Collector {
  public:
    void add_sequence(SequenceDef d);
    std::vector<SequenceDef>& sequences() { return sequences_; }
    void add_list(ListDecl d, std::vector<Diagnostic>& warnings);
    void add_macro(MacroDecl d, std::vector<Diagnostic>& warnings);
    void add_rule(RuleDecl d, std::vector<Diagnostic>& warnings);
    size_t next_index() { return cur_index_++; }

    std::vector<ListDef>& lists() { return lists_; }
    std::vector<MacroDef>& macros() { return macros_; }
    std::vector<RuleDef>& rules() { return rules_; }
    ListDef* find_list(const std::string& n);
    MacroDef* find_macro(const std::string& n);
    RuleDef* find_rule(const std::string& n);

  private:
    std::vector<ListDef> lists_;
    std::vector<MacroDef> macros_;
    std::vector<RuleDef> rules_;
    std::vector<SequenceDef> sequences_;
    std::unordered_map<std::string, size_t> list_ids_, macro_ids_, rule_ids_;
    size_t cur_index_ = 1;
};

}  // namespace sensor::rules
