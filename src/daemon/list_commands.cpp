#include <algorithm>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "sensor/events/event_types.h"
#include "sensor/events/param_format.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/fields/event_source.h"
#include "sensor/fields/registry.h"

namespace sensor::daemon {
namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

std::vector<std::string> type_names(const engine::CompiledRule& r) {
    std::vector<std::string> out;
    if (r.type_count == r.types.size()) return {"(all)"};
    const fields::EventSource& source = fields::source(r.source);
    for (size_t i = 0; i < r.types.size(); ++i)
        if (r.types[i])
            out.emplace_back(source.event_type_name(static_cast<events::EventTypeId>(i)));
    std::sort(out.begin(), out.end());
    return out;
}

std::string_view arg_form(fields::ArgKind k) {
    switch (k) {
        case fields::ArgKind::None:
            return "";
        case fields::ArgKind::Index:
            return "[N]";
        case fields::ArgKind::AncestorOpt:
        case fields::ArgKind::IndexOpt:
            return "[N] optional";
        case fields::ArgKind::Key:
            return "[KEY]";
        case fields::ArgKind::KeyOpt:
            return "[KEY] optional";
        case fields::ArgKind::EvtArg:
            return ".NAME or [NAME] or [N]";
        case fields::ArgKind::IndexOrKey:
            return "[N] or [PATTERN]";
    }
    return "";
}

// One row of --list-events: Falco's shape (direction, name, typed parameters).
struct EventRow {
    std::string name;
    bool available = false;
    std::vector<std::pair<std::string, std::string>> params;  // type, name
};

EventRow event_row(events::EventTypeId id) {
    EventRow row{std::string(events::event_type_name(id)), false, {}};
    if (events::is_syscall(id)) {
        row.available = events::syscall_number(row.name).has_value();
        const events::SyscallEntry* e = events::syscall_entry_by_type(id);
        if (e && e->has_schema()) {
            for (const events::ParamSpec& p : e->params)
                row.params.emplace_back(std::string(events::param_type_name(p.fmt)),
                                        std::string(p.name));
        } else {
            // No schema: the six raw arguments, as the decoder reports them.
            for (int i = 0; i < 6; ++i)
                row.params.emplace_back("uint64", "arg" + std::to_string(i));
        }
        return row;
    }
    // Of the other events, the sensor makes these two (process exits, new containers).
    row.available = row.name == "procexit" || row.name == "container";
    return row;
}

const char* event_category(const EventRow& row, events::EventTypeId id) {
    if (events::is_syscall(id)) return "Syscall events";
    for (const char* tp : {"procexit", "switch", "signaldeliver", "page_fault"})
        if (row.name == tp) return "Tracepoint events";
    if (row.name == "pluginevent" || row.name == "asyncevent") return "Plugin events";
    return "Metaevents";
}

// Falco's field class of a field, from its first name component.
std::string_view falco_class(std::string_view name) {
    std::string_view head = name.substr(0, name.find('.'));
    static constexpr std::pair<std::string_view, std::string_view> kClasses[] = {
        {"syscall", "evt"},   {"proc", "process"}, {"thread", "process"}, {"fs", "fs.path"},
        {"k8s", "container"}, {"ka", "k8saudit"},  {"jevt", "json"},
    };
    for (auto [prefix, cls] : kClasses)
        if (head == prefix) return cls;
    return head;
}

// Falco's type name (PT_* without the prefix) for one of our types.
std::string falco_type(const fields::FieldDef& f) {
    using FT = fields::FieldType;
    std::string t;
    switch (f.type) {
        case FT::String:
        case FT::Path:
            t = "CHARBUF";
            break;
        case FT::Int64:
            t = "INT64";
            break;
        case FT::Uint64:
            t = "UINT64";
            break;
        case FT::Bool:
            t = "BOOL";
            break;
        case FT::AbsTime:
            t = "ABSTIME";
            break;
        case FT::RelTime:
            t = "RELTIME";
            break;
        case FT::Ip:
            t = "IPADDR";
            break;
        case FT::Net:
            t = "IPNET";
            break;
        case FT::Bytes:
            t = "BYTEBUF";
            break;
        case FT::Double:
            t = "DOUBLE";
            break;
    }
    return f.list_valued ? "LIST(" + t + ")" : t;
}

// Falco's JSON argument object: null, or {"required": bool, "type": ["INDEX", "KEY"]}.
nlohmann::json falco_argument(fields::ArgKind k) {
    using AK = fields::ArgKind;
    if (k == AK::None) return nullptr;
    bool required = k == AK::Index || k == AK::Key || k == AK::EvtArg || k == AK::IndexOrKey;
    nlohmann::json types = nlohmann::json::array();
    if (k != AK::Key && k != AK::KeyOpt) types.push_back("INDEX");
    if (k != AK::Index && k != AK::IndexOpt && k != AK::AncestorOpt) types.push_back("KEY");
    return {{"required", required}, {"type", types}};
}

struct FieldClass {
    std::string_view name;
    const fields::EventSource* source;
    std::vector<const fields::FieldDef*> fields;
};

// The listed sources' fields grouped by class, classes in order of first appearance.
std::vector<FieldClass> field_classes(const std::vector<const fields::EventSource*>& listed) {
    std::vector<FieldClass> out;
    for (const fields::EventSource* s : listed)
        for (const auto& f : s->fields()) {
            std::string_view cls = falco_class(f.name);
            auto it = std::find_if(out.begin(), out.end(), [&](const FieldClass& c) {
                return c.name == cls && c.source == s;
            });
            if (it == out.end()) it = out.insert(out.end(), FieldClass{cls, s, {}});
            it->fields.push_back(&f);
        }
    return out;
}

void print_markdown(const std::vector<FieldClass>& classes) {
    for (const FieldClass& c : classes) {
        std::cout << "## Field Class: " << c.name << "\n\nEvent Sources: " << c.source->name()
                  << " \n\nName | Type | Description\n:----|:-----|:-----------\n";
        for (const fields::FieldDef* f : c.fields) {
            if (f->deprecated) continue;  // Falco leaves deprecated fields out
            std::cout << "`" << f->name << "` | " << falco_type(*f) << " | " << f->desc
                      << (f->unavailable ? " (not filled live: " + std::string(f->unavailable) + ")"
                                         : "")
                      << "\n";
        }
        std::cout << "\n";
    }
}

nlohmann::json classes_json(const std::vector<FieldClass>& classes) {
    nlohmann::json arr = nlohmann::json::array();
    for (const FieldClass& c : classes) {
        nlohmann::json flds = nlohmann::json::array();
        for (const fields::FieldDef* f : c.fields) {
            if (f->deprecated) continue;
            flds.push_back({{"name", std::string(f->name)},
                            {"type", falco_type(*f)},
                            {"desc", std::string(f->desc)},
                            {"is_list", f->list_valued},
                            {"argument", falco_argument(f->arg_kind)},
                            {"not_live", f->unavailable != nullptr}});
        }
        arr.push_back({{"name", std::string(c.name)},
                       {"event_sources", {std::string(c.source->name())}},
                       {"fields", flds}});
    }
    return arr;
}

// The sources --list names ("" for all); empty when the name is unknown (reported).
std::vector<const fields::EventSource*> listed_sources(const std::string& source) {
    std::vector<const fields::EventSource*> listed;
    for (const fields::EventSource* s : fields::sources())
        if (source.empty() || s->name() == source) listed.push_back(s);
    if (listed.empty()) {
        std::string known;
        for (const fields::EventSource* s : fields::sources())
            known += (known.empty() ? "" : ", ") + std::string(s->name());
        std::cerr << "sensor: unknown event source '" << source << "' (known: " << known << ")\n";
    }
    return listed;
}

}  // namespace

int list_events(ReportFormat fmt) {
    static constexpr const char* kCategories[] = {"Syscall events", "Tracepoint events",
                                                  "Plugin events", "Metaevents"};
    nlohmann::json root = {{"sensor_version", SENSOR_VERSION}};
    std::map<std::string, std::vector<EventRow>> by_category;
    for (size_t i = 0; i < events::event_type_count(); ++i) {
        auto id = static_cast<events::EventTypeId>(i);
        EventRow row = event_row(id);
        by_category[event_category(row, id)].push_back(std::move(row));
    }
    if (fmt == ReportFormat::Text)
        std::cout << "The events below are the exit events (direction <) of sensor "
                  << SENSOR_VERSION << "\n";
    for (const char* cat : kCategories) {
        nlohmann::json arr = nlohmann::json::array();
        if (fmt == ReportFormat::Text) std::cout << "## " << cat << "\n\n";
        for (const EventRow& r : by_category[cat]) {
            nlohmann::json params = nlohmann::json::array();
            std::string text;
            for (const auto& [type, name] : r.params) {
                params.push_back({{"type", type}, {"name", name}});
                text += (text.empty() ? "" : ", ") + type + " **" + name + "**";
            }
            arr.push_back(
                {{"name", r.name}, {"dir", "<"}, {"available", r.available}, {"params", params}});
            if (fmt == ReportFormat::Text) std::cout << "< " << r.name << "(" << text << ")\n";
        }
        if (fmt == ReportFormat::Text) std::cout << "\n";
        root[cat] = std::move(arr);
    }
    if (fmt == ReportFormat::Json) std::cout << root.dump(2) << "\n";
    return 0;
}

int list_field_classes(FieldListFormat fmt, const std::string& source, bool names_only) {
    auto listed = listed_sources(source);
    if (listed.empty()) return 2;
    auto classes = field_classes(listed);
    if (names_only) {
        nlohmann::json names = nlohmann::json::array();
        for (const FieldClass& c : classes)
            for (const fields::FieldDef* f : c.fields) {
                if (fmt == FieldListFormat::Json)
                    names.push_back(std::string(f->name));
                else
                    std::cout << f->name << "\n";
            }
        if (fmt == FieldListFormat::Json)
            std::cout << nlohmann::json{{"fieldnames", names}}.dump(2) << "\n";
        return 0;
    }
    if (fmt == FieldListFormat::Json) {
        std::cout << nlohmann::json{{"fieldclasses", classes_json(classes)}}.dump(2) << "\n";
        return 0;
    }
    if (fmt == FieldListFormat::Markdown) {
        print_markdown(classes);
        return 0;
    }
    return list_fields(ReportFormat::Text, source);
}

int list_rules(const std::vector<std::string>& files, ReportFormat fmt) {
    auto res = rules::load_rules_files(files);
    if (!res.ok) {
        print_load_report(res, ReportFormat::Text, false);
        return 1;
    }
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : res.ruleset->rules) {
        auto types = type_names(r);
        if (fmt == ReportFormat::Json) {
            arr.push_back({{"name", r.name},
                           {"priority", std::string(engine::priority_name(r.priority))},
                           {"enabled", r.enabled},
                           {"source", std::string(r.source_name())},
                           {"event_types", types},
                           {"tags", r.tags},
                           {"desc", r.desc}});
            continue;
        }
        std::cout << r.name << (r.enabled ? "" : " (disabled)") << "\n"
                  << "  priority:    " << engine::priority_name(r.priority) << "\n"
                  << "  event types: " << join(types, ", ") << "\n"
                  << "  tags:        " << join(r.tags, ", ") << "\n";
    }
    if (fmt == ReportFormat::Json) std::cout << arr.dump(2) << "\n";
    return 0;
}

int list_fields(ReportFormat fmt, const std::string& source) {
    auto listed = listed_sources(source);
    if (listed.empty()) return 2;
    // Text: a heading per source, then its fields. JSON: one array, each field with its source.
    nlohmann::json arr = nlohmann::json::array();
    for (const fields::EventSource* s : listed) {
        if (fmt == ReportFormat::Text)
            std::cout << (s == listed.front() ? "" : "\n") << "Event source: " << s->name()
                      << "\n\n";
        for (const auto& f : s->fields()) {
            if (fmt == ReportFormat::Json) {
                arr.push_back({{"source", std::string(s->name())},
                               {"name", std::string(f.name)},
                               {"type", std::string(fields::field_type_name(f.type))},
                               {"arg", std::string(arg_form(f.arg_kind))},
                               {"desc", std::string(f.desc)},
                               {"deprecated", f.deprecated}});
                if (f.unavailable) arr.back()["not_filled_live"] = f.unavailable;
                continue;
            }
            std::string head = std::string(f.name);
            auto a = arg_form(f.arg_kind);
            if (!a.empty()) head += " " + std::string(a);
            std::cout << head << "  (" << fields::field_type_name(f.type) << ")"
                      << (f.deprecated ? " [deprecated]" : "")
                      << (f.unavailable ? " [not filled live: " + std::string(f.unavailable) + "]"
                                        : "")
                      << "\n    " << f.desc << "\n";
        }
    }
    if (fmt == ReportFormat::Json) std::cout << arr.dump(2) << "\n";
    return 0;
}

}  // namespace sensor::daemon
