#include "sensor/fields/event_source.h"

#include <limits>
#include <stdexcept>
#include <string>

#include "field_tables.h"
#include "sensor/events/event_types.h"

namespace sensor::fields {
namespace {

// The syscall source: the field classes of src/fields/extract_*.cpp, and the event types of
// src/events/event_types (every syscall plus the sensor's own events).
std::unique_ptr<EventSource> syscall_source() {
    std::vector<FieldDef> defs;
    detail::add_evt_fields(defs);
    detail::add_evt_flag_fields(defs);
    detail::add_proc_fields(defs);
    detail::add_thread_fields(defs);
    detail::add_fd_fields(defs);
    detail::add_fspath_fields(defs);
    detail::add_fdlist_fields(defs);
    detail::add_user_fields(defs);
    detail::add_container_fields(defs);
    std::vector<std::string_view> types;
    types.reserve(events::event_type_count());
    for (size_t i = 0; i < events::event_type_count(); ++i)
        types.push_back(events::event_type_name(static_cast<events::EventTypeId>(i)));
    return std::make_unique<EventSource>(kSyscallSource, "syscall", std::move(defs),
                                         std::move(types));
}

struct Registry {
    std::vector<std::unique_ptr<EventSource>> owned;
    std::vector<const EventSource*> view;
    // The container plugin's fields are part of the syscall source (extract_container.cpp).
    std::vector<BuiltinPlugin> plugins{
        {"container", "0.4.0", "container.* fields of the syscall source"}};

    Registry() { add(syscall_source()); }
    void add(std::unique_ptr<EventSource> s) {
        view.push_back(s.get());
        owned.push_back(std::move(s));
    }
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

EventSource::EventSource(SourceId id, std::string_view name, std::vector<FieldDef> fields,
                         std::vector<std::string_view> event_types)
    : id_(id), name_(name), fields_(std::move(fields)), event_types_(std::move(event_types)) {
    // Indexed once the vectors stop growing, so the pointers stay valid.
    for (const FieldDef& d : fields_)
        if (!field_index_.emplace(d.name, &d).second)
            throw std::invalid_argument("source " + std::string(name_) + ": field " +
                                        std::string(d.name) + " is defined twice");
    if (event_types_.size() > std::numeric_limits<events::EventTypeId>::max())
        throw std::invalid_argument("source " + std::string(name_) + ": too many event types");
    for (size_t i = 0; i < event_types_.size(); ++i)
        if (!type_index_.emplace(event_types_[i], static_cast<events::EventTypeId>(i)).second)
            throw std::invalid_argument("source " + std::string(name_) + ": event type " +
                                        std::string(event_types_[i]) + " is defined twice");
}

const FieldDef* EventSource::find_field(std::string_view name) const {
    auto it = field_index_.find(name);
    return it == field_index_.end() ? nullptr : it->second;
}

std::optional<events::EventTypeId> EventSource::event_type_id(std::string_view name) const {
    auto it = type_index_.find(name);
    if (it == type_index_.end()) return std::nullopt;
    return it->second;
}

std::string_view EventSource::event_type_name(events::EventTypeId id) const {
    return id < event_types_.size() ? event_types_[id] : std::string_view{};
}

const std::vector<const EventSource*>& sources() {
    return registry().view;
}

const EventSource& source(SourceId id) {
    return *registry().view[id];
}

const EventSource* find_source(std::string_view name) {
    for (const EventSource* s : registry().view)
        if (s->name() == name) return s;
    return nullptr;
}

const EventSource& register_source(std::string_view name, std::vector<FieldDef> fields,
                                   std::vector<std::string_view> event_types) {
    Registry& r = registry();
    if (find_source(name))
        throw std::invalid_argument("event source " + std::string(name) + " is already registered");
    if (r.view.size() > std::numeric_limits<SourceId>::max())
        throw std::invalid_argument("too many event sources");
    r.add(std::make_unique<EventSource>(static_cast<SourceId>(r.view.size()), name,
                                        std::move(fields), std::move(event_types)));
    return *r.view.back();
}

void register_builtin_plugin(BuiltinPlugin p) {
    auto& list = registry().plugins;
    for (const BuiltinPlugin& q : list)
        if (q.name == p.name) return;
    list.push_back(p);
}

const std::vector<BuiltinPlugin>& builtin_plugins() {
    return registry().plugins;
}

}  // namespace sensor::fields
