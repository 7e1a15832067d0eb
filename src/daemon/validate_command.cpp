#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "sensor/rules/diagnostics.h"

namespace sensor::daemon {

void print_load_report(const rules::LoadResult& res, ReportFormat fmt, bool summary) {
    if (fmt == ReportFormat::Json) {
        nlohmann::json files = nlohmann::json::array();
        for (const auto& f : res.files) {
            nlohmann::json errors = nlohmann::json::array(), warnings = nlohmann::json::array();
            for (const auto& d : f.diagnostics)
                (d.error ? errors : warnings).push_back(rules::diagnostic_json(d));
            files.push_back({{"name", f.path},
                             {"successful", f.ok},
                             {"errors", errors},
                             {"warnings", warnings}});
        }
        nlohmann::json out{
            {"ok", res.ok},
            {"files", files},
            {"summary",
             {{"rules", res.rule_count}, {"macros", res.macro_count}, {"lists", res.list_count}}}};
        std::cout << out.dump(2) << "\n";
        return;
    }
    for (const auto& f : res.files) {
        size_t nerr = 0, nwarn = 0;
        for (const auto& d : f.diagnostics) (d.error ? nerr : nwarn)++;
        std::cout << f.path << ": " << (f.ok ? "Ok" : "Invalid") << (nwarn ? ", with warnings" : "")
                  << "\n";
        if (nerr) {
            std::cout << nerr << " Errors:\n";
            for (const auto& d : f.diagnostics)
                if (d.error) std::cout << rules::format_diagnostic(d);
        }
        if (nwarn) {
            std::cout << nwarn << " Warnings:\n";
            for (const auto& d : f.diagnostics)
                if (!d.error) std::cout << rules::format_diagnostic(d);
        }
    }
    if (summary) {
        std::cout << res.rule_count << " rules, " << res.macro_count << " macros, "
                  << res.list_count << " lists";
        // Sequences are the sensor's extension: the line stays Falco's without them.
        if (res.ruleset && !res.ruleset->sequences.empty())
            std::cout << ", " << res.ruleset->sequences.size() << " sequences";
        std::cout << "\n";
    }
}

int validate_rules(const std::vector<std::string>& files, ReportFormat fmt) {
    auto res = rules::load_rules_files(files);
    print_load_report(res, fmt, true);
    return res.ok ? 0 : 1;
}

}  // namespace sensor::daemon
