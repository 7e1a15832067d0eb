#include "sensor/rules/diagnostics.h"

#include <utility>

namespace sensor::rules {

namespace {

struct CodeText {
    std::string_view code;
    std::string_view text;         // Falco's load_result error_str / warning_str
    std::string_view explanation;  // Falco's warning_desc (warnings only)
};

// Falco 0.44.1 falco_load_result.cpp, plus the sensor's sequence code.
constexpr CodeText kCodes[] = {
    {"LOAD_ERR_FILE_READ", "File read error", ""},
    {"LOAD_ERR_YAML_PARSE", "YAML parse error", ""},
    {"LOAD_ERR_YAML_VALIDATE", "Error validating internal structure of YAML file", ""},
    {"LOAD_ERR_COMPILE_CONDITION", "Error compiling condition", ""},
    {"LOAD_ERR_COMPILE_OUTPUT", "Error compiling output", ""},
    {"LOAD_ERR_VALIDATE", "Error validating rule/macro/list/exception objects", ""},
    {"LOAD_ERR_EXTENSION", "Error in extension item", ""},
    {"LOAD_UNKNOWN_SOURCE", "Unknown event source",
     "A rule has a unknown event source. This can occur when reading rules content without "
     "having a corresponding plugin loaded, etc. The rule will be silently ignored."},
    {"LOAD_UNKNOWN_SEQUENCE_RULE", "Sequence step names a rule not loaded here",
     "A sequence step names a rule this sensor does not load; the step matches alerts received "
     "from other sensors."},
    {"LOAD_UNSAFE_NA_CHECK", "Unsafe <NA> comparison in condition",
     "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the "
     "rule condition. If you need to check for the existence of a field, consider using the "
     "'exists' operator instead."},
    {"LOAD_NO_EVTTYPE", "Condition has no event-type restriction",
     "A rule condition matches too many evt.type values. This has a significant performance "
     "penalty. Make the condition more specific by adding an evt.type field or further "
     "restricting the number of evt.type values in the condition."},
    {"LOAD_UNKNOWN_FILTER", "Unknown field or event-type in condition or output",
     "A rule condition or output refers to a field or evt.type that does not exist. This is "
     "normally an error, but if a rule has a skip-if-unknown-filter property, the error is "
     "downgraded to a warning."},
    {"LOAD_UNUSED_MACRO", "Unused macro",
     "A macro is defined in the rules content but is not used by any other macro or rule."},
    {"LOAD_UNUSED_LIST", "Unused list",
     "A list is defined in the rules content but is not used by any other list, macro, or "
     "rule."},
    {"LOAD_UNKNOWN_ITEM", "Unknown rules file item",
     "An unknown top-level object is in the rules content. It will be ignored."},
    {"LOAD_DEPRECATED_ITEM", "Used deprecated item",
     "A deprecated item is employed by lists, macros, or rules."},
    {"LOAD_WARNING_EXTENSION", "Warning in extension item", "An extension item has a warning"},
    {"LOAD_APPEND_NO_VALUES", "Overriding/appending with no values",
     "A rule exception is overriding/appending with no values"},
    {"LOAD_EXCEPTION_NAME_NOT_UNIQUE", "Multiple exceptions defined with the same name",
     "A rule is defining multiple exceptions with the same name"},
    {"LOAD_INVALID_MACRO_NAME", "Invalid macro name", "A macro is defined with an invalid name"},
    {"LOAD_INVALID_LIST_NAME", "Invalid list name", "A list is defined with an invalid name"},
    {"LOAD_COMPILE_CONDITION", "Warning in rule condition",
     "A rule condition or output have been parsed with a warning"},
    {"LOAD_UNFILLABLE_FIELD", "Field can never be filled",
     "A rule reads a field of the event's file descriptor (fd.*) but none of its event types "
     "acts on a file descriptor, so the field is never filled and checks on it never hold."},
    {"LOAD_UNKNOWN_KEY", "Unknown key in item definition",
     "An item in the rules content contains an unrecognized key. The key will be ignored. This "
     "may indicate a typo or a property placed on the wrong item type."},
};

const CodeText* find_code(std::string_view code) {
    for (const auto& c : kCodes)
        if (c.code == code) return &c;
    return nullptr;
}

constexpr std::string_view kLatencyReason =
    "field is not available due to the drop of enter events.";

// Falco 0.44.1 load_result deprecated_fields / deprecated_field_descs.
constexpr std::pair<std::string_view, std::string_view> kDeprecatedFields[] = {
    {"evt.dir",
     "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = "
     ">' always evaluates to false. The rule expression can be simplified by removing the "
     "condition on 'evt.dir'"},
    {"evt.latency", kLatencyReason},
    {"evt.latency.s", kLatencyReason},
    {"evt.latency.ns", kLatencyReason},
    {"evt.latency.human", kLatencyReason},
    {"evt.wait_latency", kLatencyReason},
};

}  // namespace

std::string_view code_description(std::string_view code) {
    const CodeText* c = find_code(code);
    return c ? c->text : "Unknown";
}

std::string_view warning_explanation(std::string_view code) {
    const CodeText* c = find_code(code);
    return c ? c->explanation : "";
}

std::string_view deprecated_field_reason(std::string_view field) {
    for (const auto& [name, reason] : kDeprecatedFields)
        if (name == field) return reason;
    return {};
}

const std::vector<std::string_view>& deprecated_field_names() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> out;
        for (const auto& f : kDeprecatedFields) out.push_back(f.first);
        return out;
    }();
    return names;
}

namespace {

// The code's text as Falco prints it: a deprecated field names itself.
std::string code_text(const Diagnostic& d) {
    std::string out(code_description(d.code));
    if (!d.deprecated_field.empty()) out += ": field '" + d.deprecated_field + "'";
    return out;
}

}  // namespace

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
    out += d.code + " (" + code_text(d) + "): " + d.message + "\n";
    return out;
}

nlohmann::json diagnostic_json(const Diagnostic& d) {
    // Falco: an error's codedesc is its short text, a warning's the long explanation.
    std::string codedesc(d.error ? code_description(d.code) : warning_explanation(d.code));
    auto j = nlohmann::json{{"code", d.code},
                            {"codedesc", codedesc},
                            {"message", d.message},
                            {"context",
                             {{"file", d.file},
                              {"line", d.line},
                              {"column", d.col},
                              {"item_type", d.item_kind},
                              {"item_name", d.item_name},
                              {"snippet", d.snippet}}}};
    if (!d.deprecated_field.empty()) j["deprecated_field"] = d.deprecated_field;
    return j;
}

}  // namespace sensor::rules
