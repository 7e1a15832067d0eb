#pragma once
// Shared helpers for tests that load rules from YAML text: load, find diagnostics and rules,
// and evaluate the loaded ruleset on a hand-built process/event pair.

#include <string>
#include <vector>

#include "sensor/events/event_types.h"
#include "sensor/rules/loader.h"

namespace sensor::rules_test {

inline rules::LoadResult load(const std::string& yaml, const rules::LoadOptions& o = {}) {
    return rules::load_rules_contents({{"test.yaml", yaml}}, o);
}

inline std::vector<rules::Diagnostic> all_diags(const rules::LoadResult& r) {
    std::vector<rules::Diagnostic> out;
    for (const auto& f : r.files) out.insert(out.end(), f.diagnostics.begin(), f.diagnostics.end());
    return out;
}

inline const rules::Diagnostic* first_error(const rules::LoadResult& r) {
    for (const auto& f : r.files)
        for (const auto& d : f.diagnostics)
            if (d.error) return &d;
    return nullptr;
}

inline bool has_warning(const rules::LoadResult& r, const std::string& code,
                        const std::string& name = "") {
    for (const auto& d : all_diags(r))
        if (!d.error && d.code == code && (name.empty() || d.item_name == name)) return true;
    return false;
}

inline const engine::CompiledRule* rule(const rules::LoadResult& r, const std::string& name) {
    if (!r.ruleset) return nullptr;
    for (const auto& x : r.ruleset->rules)
        if (x.name == name) return &x;
    return nullptr;
}

// A process/event pair for evaluating conditions.
struct Ev {
    state::ProcessInfo proc;
    state::FdInfo fd;
    fields::Event ev;
    Ev(const std::string& type, const std::string& name, const std::string& cmdline_args = "") {
        proc.name = name;
        proc.exe = name;
        if (!cmdline_args.empty()) proc.argv = {cmdline_args};
        proc.refresh_derived();
        ev.type = *events::event_type_id(type);
        ev.num = 1;
        ev.proc = &proc;
        ev.fd = &fd;
    }
};

inline std::vector<std::string> fired(const rules::LoadResult& r, const fields::Event& ev) {
    std::vector<std::string> names;
    auto ctx = r.ruleset->new_context();
    r.ruleset->evaluate(ev, ctx, [&](const engine::CompiledRule& cr) { names.push_back(cr.name); });
    return names;
}

inline const char* const kBaseRule = R"(
- rule: R
  desc: d
  condition: evt.type = open and proc.name = cat
  output: "name=%proc.name"
  priority: WARNING
)";

}  // namespace sensor::rules_test
