#pragma once
// Renders a matched rule for one event as Falco's text line or JSON object.
#include <string>

#include "sensor/engine/ruleset.h"
#include "sensor/ops/drop_monitor.h"

namespace sensor::output {

struct AlertFormat {
    bool json = true;
    bool include_output = true;         // json_include_output_property
    bool include_output_fields = true;  // json_include_output_fields_property
    bool include_tags = true;           // json_include_tags_property
    bool include_message = false;       // json_include_message_property
    bool iso8601 = false;               // time_format_iso_8601
    bool include_uuid = true;           // json_include_uuid_property: a random v4 id per alert
    std::string hostname;
};

// "HH:MM:SS.nnnnnnnnn" in local time (Falco's %evt.time).
std::string format_local_time(uint64_t ts_ns);
// "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000" (Falco's %evt.time.iso8601).
std::string format_iso8601_offset(uint64_t ts_ns);
// "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (the JSON `time` key).
std::string format_utc_z(uint64_t ts_ns);

// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string random_uuid_v4();

// The formatted rule output without the time/priority prefix.
std::string render_message(const engine::CompiledRule& rule, const fields::Event& ev);
// One alert, without a trailing newline, into out (cleared first; its capacity is reused).
void format_alert_into(const engine::CompiledRule& rule, const fields::Event& ev,
                       const AlertFormat& fmt, std::string& out);
// The summary alert of a de-duplication window (alert_dedup): the rule's name, priority,
// source and tags; output "Rule 'NAME': N more alerts in W s, held back by alert_dedup";
// output_fields evt.time, sensor.dedup.suppressed and sensor.dedup.window_s.
void format_dedup_summary_into(const engine::CompiledRule& rule, uint64_t suppressed,
                               uint64_t window_s, uint64_t ts_ns, const AlertFormat& fmt,
                               std::string& out);
// Falco's internal drop alert (syscall_event_drops action "alert"), one per drop episode (or
// per group of episodes the rate limit held back; ops/drop_monitor.h): rule "Falco internal:
// syscall event drop", priority Critical, output "N system calls dropped in D ms (K drop
// episodes).", output_fields Falco's n_drops, n_evts (records of the episodes, delivered or
// dropped) and n_drops_buffer_total (ring buffer full), and sensor.drops.episodes and
// sensor.drops.duration_ms.
void format_drop_alert_into(const ops::DropReport& report, uint64_t ts_ns, const AlertFormat& fmt,
                            std::string& out);
// Another of Falco's internal alerts (its outputs' handle_msg: metrics snapshots, timeouts
// notifications): the rule name, priority and message given, source "internal", no tags, and
// output_fields the JSON object text given (written as is).
void format_internal_alert_into(std::string_view rule, engine::Priority priority,
                                std::string_view message, std::string_view output_fields_json,
                                uint64_t ts_ns, const AlertFormat& fmt, std::string& out);
std::string format_alert(const engine::CompiledRule& rule, const fields::Event& ev,
                         const AlertFormat& fmt);

// A completed sequence: the alert names the sequence, source "correlation"; output_fields has
// every field of its output (null when no step provided it) and `correlation.steps`: per step,
// what matched it (a rule or a source), its event time and a reference to find it.
struct CorrelationField {
    std::string name;
    const std::string* value;  // null: absent
};
struct CorrelationStep {
    std::string what;
    uint64_t ts;
    std::string ref;
};
void format_correlation_into(const engine::CompiledSequence& seq, uint64_t ts_ns,
                             std::string_view message, const std::vector<CorrelationField>& fields,
                             const std::vector<CorrelationStep>& steps, const AlertFormat& fmt,
                             std::string& out);

}  // namespace sensor::output
