#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
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

}  // namespace

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
    std::vector<const fields::EventSource*> listed;
    for (const fields::EventSource* s : fields::sources())
        if (source.empty() || s->name() == source) listed.push_back(s);
    if (listed.empty()) {
        std::string known;
        for (const fields::EventSource* s : fields::sources())
            known += (known.empty() ? "" : ", ") + std::string(s->name());
        std::cerr << "sensor: unknown event source '" << source << "' (known: " << known << ")\n";
        return 2;
    }
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
                if (f.unavailable) arr.back()["always_empty"] = f.unavailable;
                continue;
            }
            std::string head = std::string(f.name);
            auto a = arg_form(f.arg_kind);
            if (!a.empty()) head += " " + std::string(a);
            std::cout << head << "  (" << fields::field_type_name(f.type) << ")"
                      << (f.deprecated ? " [deprecated]" : "")
                      << (f.unavailable ? " [always empty: " + std::string(f.unavailable) + "]"
                                        : "")
                      << "\n    " << f.desc << "\n";
        }
    }
    if (fmt == ReportFormat::Json) std::cout << arr.dump(2) << "\n";
    return 0;
}

}  // namespace sensor::daemon
