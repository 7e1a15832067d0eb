#include "output_settings.h"

#include <unistd.h>

#include <cstdlib>

namespace sensor::daemon {
namespace {

bool parse_bool(const std::string& v, bool& out) {
    if (v == "true" || v == "yes" || v == "on" || v == "1") return out = true, true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return out = false, true;
    return false;
}

std::string hostname() {
    for (const char* env : {"SENSOR_HOSTNAME", "FALCO_HOSTNAME"})
        if (const char* h = std::getenv(env); h && *h) return h;
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

}  // namespace

bool OutputSettings::apply(const std::string& kv, std::string& error) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
        error = "option '" + kv + "' must be key=value";
        return false;
    }
    std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    auto set_bool = [&](bool& target) {
        if (parse_bool(value, target)) return true;
        error = "option '" + key + "' expects true or false, got '" + value + "'";
        return false;
    };
    if (key == "json_output") return set_bool(json_output);
    if (key == "json_include_output_property") return set_bool(json_include_output_property);
    if (key == "json_include_output_fields_property")
        return set_bool(json_include_output_fields_property);
    if (key == "json_include_tags_property") return set_bool(json_include_tags_property);
    if (key == "json_include_message_property") return set_bool(json_include_message_property);
    if (key == "json_include_uuid_property") return set_bool(json_include_uuid_property);
    if (key == "time_format_iso_8601") return set_bool(time_format_iso_8601);
    if (key == "buffer_format_base64") return set_bool(buffer_format_base64);
    if (key == "append_output.suggested_output") return set_bool(suggested_output);
    if (key == "append_output.join_keys") return set_bool(join_keys);
    if (key == "priority") {
        auto p = engine::parse_priority(value);
        if (!p) {
            error = "option 'priority' has an invalid priority '" + value + "'";
            return false;
        }
        priority = *p;
        return true;
    }
    if (key == "rule_matching") {
        if (value == "first" || value == "all") {
            rule_matching_all = value == "all";
            return true;
        }
        error = "option 'rule_matching' must be 'first' or 'all', got '" + value + "'";
        return false;
    }
    error = "unknown option '" + key + "'";
    return false;
}

rules::LoadOptions OutputSettings::load_options() const {
    rules::LoadOptions o;
    o.min_priority = priority;
    o.match_all = rule_matching_all;
    if (suggested_output) o.extra_output = kSuggestedOutput;
    if (join_keys) o.extra_fields = kJoinKeys;
    o.append_output = append_entries;
    o.static_fields = static_fields;
    o.buffer_format_base64 = buffer_format_base64;
    return o;
}

output::AlertFormat OutputSettings::alert_format() const {
    output::AlertFormat f;
    f.json = json_output;
    f.include_output = json_include_output_property;
    f.include_output_fields = json_include_output_fields_property;
    f.include_tags = json_include_tags_property;
    f.include_message = json_include_message_property;
    f.include_uuid = json_include_uuid_property;
    f.iso8601 = time_format_iso_8601;
    f.hostname = hostname();
    return f;
}

}  // namespace sensor::daemon
