#pragma once
// Shared machinery of the scenario suites: a ruleset loaded in both rule_matching modes, the
// fixture events, and running one event to its parsed JSON alerts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sensor/capture/fixture_events.h"
#include "sensor/daemon/output_settings.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/output/alert_format.h"
#include "sensor/rules/loader.h"

namespace sensor::scenario {

inline constexpr const char* kHostname = "scenario-host";

// The k8s_audit source exists before any rules load, as in the sensor (main()).
inline const fields::SourceId kAuditSource = k8saudit::k8s_audit_source();

// Falco's defaults: suggested container fields appended to every output.
inline rules::LoadOptions options(bool match_all) {
    rules::LoadOptions o;
    o.match_all = match_all;
    o.extra_output = daemon::kSuggestedOutput;
    return o;
}

struct Fired {
    std::string rule;
    nlohmann::json alert;
};

// Every alert for one event, in rule definition order.
inline std::vector<Fired> run(const rules::LoadResult& r, const fields::Event& ev) {
    std::vector<Fired> out;
    auto ctx = r.ruleset->new_context();
    output::AlertFormat fmt;
    fmt.hostname = kHostname;
    r.ruleset->evaluate(ev, ctx, [&](const engine::CompiledRule& rule) {
        out.push_back({rule.name, nlohmann::json::parse(output::format_alert(rule, ev, fmt))});
    });
    return out;
}

// A test suite over one ruleset and one fixture file, loaded once. `Derived` calls load() from
// its SetUpTestSuite.
template <typename Derived>
class Suite : public ::testing::Test {
  protected:
    static void load(const std::vector<std::string>& rules_paths, const std::string& fixtures) {
        all_ = new rules::LoadResult(rules::load_rules_files(rules_paths, options(true)));
        first_ = new rules::LoadResult(rules::load_rules_files(rules_paths, options(false)));
        fixtures_ = new capture::FixtureSet(capture::load_fixture_file(fixtures));
    }
    static void TearDownTestSuite() {
        delete all_;
        delete first_;
        delete fixtures_;
        all_ = first_ = nullptr;
        fixtures_ = nullptr;
    }
    static const fields::Event* event(uint64_t num) {
        for (const auto& ev : fixtures_->events)
            if (ev.num == num) return &ev;
        return nullptr;
    }

    static inline rules::LoadResult* all_ = nullptr;    // rule_matching: all
    static inline rules::LoadResult* first_ = nullptr;  // rule_matching: first
    static inline capture::FixtureSet* fixtures_ = nullptr;
};

}  // namespace sensor::scenario
