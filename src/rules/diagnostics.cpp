#include "sensor/rules/diagnostics.h"

#include <utility>

namespace sensor::rules {

std::string_view code_description(std::string_view code) {
    static const std::pair<std::string_view, std::string_view> table[] = {
        {"LOAD_ERR_FILE_READ", "File read error"},
        {"LOAD_ERR_YAML_PARSE", "YAML parse error"},
        {"LOAD_ERR_YAML_VALIDATE", "Error validating internal structure of YAML file"},
        {"LOAD_ERR_COMPILE_CONDITION", "Error compiling condition"},
        {"LOAD_ERR_COMPILE_OUTPUT", "Error compiling output"},
        {"LOAD_ERR_VALIDATE", "Error validating rule/macro/list/exception objects"},
        {"LOAD_ERR_EXTENSION", "Error in extension item"},
        {"LOAD_UNKNOWN_SOURCE", "Unknown source"},
        {"LOAD_UNKNOWN_SEQUENCE_RULE", "Sequence step names a rule not loaded here"},
        {"LOAD_UNSAFE_NA_CHECK", "Unsafe <NA> comparison in condition"},
        {"LOAD_NO_EVTTYPE", "Condition has no event-type restriction"},
        {"LOAD_UNKNOWN_FILTER", "Unknown field or event-type in condition or output"},
        {"LOAD_UNUSED_MACRO", "Unused macro"},
        {"LOAD_UNUSED_LIST", "Unused list"},
        {"LOAD_UNKNOWN_ITEM", "Unknown rules file item"},
        {"LOAD_DEPRECATED_ITEM", "Used deprecated item"},
        {"LOAD_WARNING_EXTENSION", "Warning in extension item"},
        {"LOAD_APPEND_NO_VALUES", "Overriding/appending list with no values"},
        {"LOAD_EXCEPTION_NAME_NOT_UNIQUE", "Multiple exceptions defined with the same name"},
        {"LOAD_INVALID_MACRO_NAME", "Invalid macro name"},
        {"LOAD_INVALID_LIST_NAME", "Invalid list name"},
        {"LOAD_COMPILE_CONDITION", "Condition has issues"},
        {"LOAD_UNKNOWN_KEY", "Unknown key"},
    };
    for (const auto& [c, d] : table)
        if (c == code) return d;
    return "Unknown";
}

std::string format_diagnostic(const Diagnostic& d) {
    std::string out;
    if (!d.item_kind.empty()) {
        out += "In " + d.item_kind;
        if (!d.item_name.empty()) out += " '" + d.item_name + "'";
        out += ": ";
    }
    out += "(" + d.file;
    if (d.line) out += ":" + std::to_string(d.line) + ":" + std::to_string(d.col);
    out += ")\n";
    if (!d.snippet.empty()) {
        out += "------\n" + d.snippet;
        if (d.snippet.back() != '\n') out += '\n';
        out += "------\n";
    }
    out += d.code + " (" + std::string(code_description(d.code)) + "): " + d.message + "\n";
    return out;
}

nlohmann::json diagnostic_json(const Diagnostic& d) {
    return nlohmann::json{{"code", d.code},
                          {"codedesc", std::string(code_description(d.code))},
                          {"message", d.message},
                          {"context",
                           {{"file", d.file},
                            {"line", d.line},
                            {"column", d.col},
                            {"item_type", d.item_kind},
                            {"item_name", d.item_name},
                            {"snippet", d.snippet}}}};
}

}  // namespace sensor::rules
