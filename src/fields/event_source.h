#pragma once
// Event sources: Falco's `source:`. Every event carries its source (Event::source), and each
// source owns its fields and its event types: a rule of a source may name only that source's
// fields, and the ruleset indexes rules by (source, event type), so a rule is never evaluated
// for an event of another source.
//
// Today there is one source, `syscall` (syscalls and the sensor's own events: procexit,
// container ...). Another source (Kubernetes audit events, alerts received from other sensors)
// is added by a module that registers it with its field table at start-up and produces
// Events tagged with its id; nothing in the engine's evaluation changes.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sensor/fields/registry.h"

namespace sensor::fields {

class EventSource {
  public:
    // The name, the fields' names and descriptions, and the event type names are views: they
    // must outlive the source (string literals, static tables).
    EventSource(SourceId id, std::string_view name, std::vector<FieldDef> fields,
                std::vector<std::string_view> event_types);
    EventSource(const EventSource&) = delete;
    EventSource& operator=(const EventSource&) = delete;

    SourceId id() const { return id_; }
    // As rules files and alerts name it: "syscall".
    std::string_view name() const { return name_; }

    // The field registry, in `sensor --list` order.
    const std::vector<FieldDef>& fields() const { return fields_; }
    const FieldDef* find_field(std::string_view name) const;

    // Event types: an event's `type` is an index into these names.
    size_t event_type_count() const { return event_types_.size(); }
    std::optional<events::EventTypeId> event_type_id(std::string_view name) const;
    std::string_view event_type_name(events::EventTypeId id) const;

  private:
    SourceId id_;
    std::string_view name_;
    std::vector<FieldDef> fields_;
    std::unordered_map<std::string_view, const FieldDef*> field_index_;
    std::vector<std::string_view> event_types_;
    std::unordered_map<std::string_view, events::EventTypeId> type_index_;
};

// The registered sources, indexed by id; the syscall source (kSyscallSource) is first.
const std::vector<const EventSource*>& sources();
// The source with that id; the id must be registered.
const EventSource& source(SourceId id);
// nullptr when no source of that name is registered.
const EventSource* find_source(std::string_view name);

// Adds a source and returns it (its id is the next free one). Throws std::invalid_argument for
// a name already registered, a field or event type named twice, or past 256 sources. Not
// thread-safe: a module registers its source at start-up (a test, in the test), before rules
// load and events flow; sources are never removed.
const EventSource& register_source(std::string_view name, std::vector<FieldDef> fields,
                                   std::vector<std::string_view> event_types);

// A Falco plugin whose source or fields the sensor has built in (`container`, `k8saudit`,
// `json` ...): a rules file's `required_plugin_versions` naming it is met by the built-in, with
// Falco's rule (same major version, and not older than required). `sensor --version` lists them.
struct BuiltinPlugin {
    std::string_view name;
    std::string_view version;   // the plugin version whose fields and behaviour we match
    std::string_view provides;  // a few words: "the k8s_audit source and its ka.* fields"
};
// Adds one (idempotent by name); like register_source, at start-up only.
void register_builtin_plugin(BuiltinPlugin p);
const std::vector<BuiltinPlugin>& builtin_plugins();

}  // namespace sensor::fields
