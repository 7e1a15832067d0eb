#pragma once
// Load diagnostics with Falco's codes. Every diagnostic names the file, line and column, the
// item (kind and name) and shows the offending source line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sensor::rules {

struct Diagnostic {
    bool error = true;
    std::string code;  // LOAD_ERR_COMPILE_CONDITION, LOAD_UNUSED_MACRO, ...
    std::string message;
    std::string file;
    uint32_t line = 0;      // 1-based; 0 when not known
    uint32_t col = 0;       // 1-based
    std::string item_kind;  // rule, macro, list, rules content, required_engine_version ...
    std::string item_name;
    std::string snippet;  // source line(s) with a caret under the column
    // LOAD_DEPRECATED_ITEM about one of Falco's deprecated fields: named in the code's text.
    std::string deprecated_field;
};

// Falco's short text for a code ("Unused macro"), printed beside the code.
std::string_view code_description(std::string_view code);
// Falco's long explanation of a warning code, its JSON `codedesc`; errors use the short text.
std::string_view warning_explanation(std::string_view code);

// The fields Falco 0.44 reports as deprecated (LOAD_DEPRECATED_ITEM), with Falco's reason;
// empty when `field` is not one of them.
std::string_view deprecated_field_reason(std::string_view field);
const std::vector<std::string_view>& deprecated_field_names();

// The verbose block Falco prints for one diagnostic.
std::string format_diagnostic(const Diagnostic& d);
nlohmann::json diagnostic_json(const Diagnostic& d);

}  // namespace sensor::rules
