#pragma once
// The falco.yaml-compatible output and rule-selection keys, settable as `-o key=value`.
#include <string>
#include <vector>

#include "sensor/output/alert_format.h"
#include "sensor/rules/loader.h"

namespace sensor::daemon {

// Falco's default `append_output: [{suggested_output: true}]` for the container plugin fields.
inline constexpr const char* kSuggestedOutput =
    "container_id=%container.id container_name=%container.name "
    "container_image_repository=%container.image.repository "
    "container_image_tag=%container.image.tag k8s_pod_name=%k8s.pod.name "
    "k8s_ns_name=%k8s.ns.name";

// The values sequences join node alerts on (docs/rules-language.md, Sequences), added to the
// output_fields of every syscall alert whatever the rule's output says.
inline const std::vector<std::string> kJoinKeys = {"container.id", "k8s.ns.name", "k8s.pod.name",
                                                   "k8s.pod.uid", "evt.hostname"};

struct OutputSettings {
    bool json_output = true;
    bool json_include_output_property = true;
    bool json_include_output_fields_property = true;
    bool json_include_tags_property = true;
    bool json_include_message_property = false;
    bool json_include_uuid_property = true;
    bool time_format_iso_8601 = false;
    bool suggested_output = true;
    bool join_keys = true;  // append_output.join_keys: kJoinKeys in every syscall alert's fields
    engine::Priority priority = engine::Priority::Debug;
    bool rule_matching_all = false;
    // append_output in Falco's list form, static_fields and buffer_format_base64: compiled into
    // each rule's output at load (rules::LoadOptions).
    std::vector<rules::LoadOptions::AppendOutput> append_entries;
    std::vector<std::pair<std::string, std::string>> static_fields;
    bool buffer_format_base64 = false;

    // Applies "key=value"; false with a message naming the key when it is unknown or invalid.
    bool apply(const std::string& key_value, std::string& error);
    rules::LoadOptions load_options() const;
    output::AlertFormat alert_format() const;
};

}  // namespace sensor::daemon
