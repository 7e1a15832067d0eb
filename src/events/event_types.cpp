#include "sensor/events/event_types.h"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace sensor::events {
namespace {

constexpr const char* kSyscallNames[] = {
#include "syscall_names.inc"
};

// Events that do not come from one syscall; names as Falco's event table spells them.
constexpr const char* kNonSyscallNames[] = {
    "procexit", "container",    "switch", "signaldeliver", "page_fault", "procinfo",
    "drop",     "notification", "infra",  "pluginevent",   "asyncevent", "cpu_hotplug",
    "k8s",      "tracer",       "mesos",  "sysdigevent",   "scapevent",
};

struct Table {
    std::vector<std::string_view> names;
    std::unordered_map<std::string_view, EventTypeId> ids;
    size_t syscall_count = 0;

    Table() {
        for (const char* n : kSyscallNames) add(n);
        syscall_count = names.size();
        for (const char* n : kNonSyscallNames) add(n);
    }
    void add(std::string_view n) {
        if (ids.count(n)) return;
        ids.emplace(n, static_cast<EventTypeId>(names.size()));
        names.push_back(n);
    }
};

const Table& table() {
    static const Table t;
    return t;
}

}  // namespace

size_t event_type_count() {
    return table().names.size();
}

std::optional<EventTypeId> event_type_id(std::string_view name) {
    const auto& t = table();
    auto it = t.ids.find(name);
    if (it == t.ids.end()) return std::nullopt;
    return it->second;
}

std::string_view event_type_name(EventTypeId id) {
    const auto& t = table();
    return id < t.names.size() ? t.names[id] : std::string_view{};
}

bool is_syscall(EventTypeId id) {
    return id < table().syscall_count;
}

}  // namespace sensor::events
