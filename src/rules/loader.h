#pragma once
// Loading Falco rules files: read, collect (define/append/override), compile, index.
#include <memory>
#include <string>
#include <vector>

#include "sensor/engine/priority.h"
#include "sensor/engine/ruleset.h"
#include "sensor/rules/diagnostics.h"

namespace sensor::rules {

struct LoadOptions {
    engine::Priority min_priority = engine::Priority::Debug;  // falco.yaml `priority`
    bool match_all = false;                                   // `rule_matching: all`
    // Appended to the output of every rule of the syscall source (append_output's suggested
    // container and pod fields, which are syscall fields).
    std::string extra_output;
    // Added to the output_fields (not the text) of every rule of the syscall source: the join
    // keys sequences on other sensors need (append_output.join_keys).
    std::vector<std::string> extra_fields;
    // falco.yaml's append_output list: each entry applies to the rules it matches.
    struct AppendOutput {
        std::string source;                   // "": any
        std::vector<std::string> tags;        // all of them on the rule
        std::string rule;                     // "": any
        std::string extra_output;             // appended to the output text
        std::vector<std::string> raw_fields;  // field names
        std::vector<std::pair<std::string, std::string>> formatted_fields;  // name, format
    };
    std::vector<AppendOutput> append_output;
    // static_fields: name, value added to every alert's output_fields.
    std::vector<std::pair<std::string, std::string>> static_fields;
    bool buffer_format_base64 = false;  // byte buffers in outputs as base64
};

struct FileReport {
    std::string path;
    bool ok = true;
    std::vector<Diagnostic> diagnostics;  // errors first, then warnings
    bool has_warnings() const;
};

struct LoadResult {
    bool ok = true;
    std::vector<FileReport> files;
    size_t rule_count = 0, macro_count = 0, list_count = 0;  // distinct names
    std::shared_ptr<engine::Ruleset> ruleset;                // set when ok
    std::string required_engine_version;
};

struct RulesInput {
    std::string name;  // shown in diagnostics
    std::string content;
};

// Directories expand to their *.yaml / *.yml files, sorted by name. Files load in order into
// one collection, so later files may append to or override earlier ones.
LoadResult load_rules_files(const std::vector<std::string>& paths, const LoadOptions& opts = {});
LoadResult load_rules_contents(const std::vector<RulesInput>& inputs, const LoadOptions& opts = {});

// The engine version this sensor's rule language matches (Falco's, e.g. "0.62.0").
std::string engine_version();

}  // namespace sensor::rules
