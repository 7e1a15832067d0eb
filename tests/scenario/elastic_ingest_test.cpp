// Alerts read the way the Elastic Falco integration's ingest pipeline reads them (facts from
// its published pipeline: the keys it moves under `falco`, the dot expansion of
// `output_fields` with its renames, @timestamp from the integer `evt.time`, event.severity
// from the full priority name, threat.technique.id from a `T\d{4}` tag), for an alert of
// every stable rule. A conflict in the expansion, a string time or an unknown priority would
// make the pipeline fail or drop the value; here it fails the test.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "scenario/scenario_suite.h"

using namespace sensor;
using json = nlohmann::json;

namespace {

const std::string kRulesFile = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";
const std::string kFixtures =
    std::string(SENSOR_SOURCE_DIR) + "/tests/scenario/fixtures/stable_rules.jsonl";

// The pipeline's renames before the generic expansion.
const std::map<std::string, std::string>& renames() {
    static const std::map<std::string, std::string> m = {
        {"container.image", "container.image.name"},
        {"fd.cip", "client.ip"},
        {"fd.sip", "server.ip"},
        {"fd.lip", "source.ip"},
        {"fd.rip", "destination.ip"},
        {"proc.ppid", "process.parent.pid"},
        {"proc.pid", "process.pid"},
        {"proc.sid", "process.session_leader.pid"},
        {"proc.vpgid", "process.group_leader.vpid"},
    };
    return m;
}

// dot_expander: "a.b.c": v becomes {"a": {"b": {"c": v}}}; false (with the path) when a
// path is both a value and an object, which makes the ingest pipeline fail.
bool expand(const json& flat, json& nested, std::string& conflict) {
    nested = json::object();
    // Renamed keys first, as the pipeline does, then the rest.
    std::vector<std::pair<std::string, const json*>> items;
    for (auto it = flat.begin(); it != flat.end(); ++it) {
        auto r = renames().find(it.key());
        items.emplace_back(r == renames().end() ? it.key() : r->second, &it.value());
    }
    for (const auto& [key, value] : items) {
        json* node = &nested;
        size_t start = 0;
        for (;;) {
            size_t dot = key.find('.', start);
            std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
            if (dot == std::string::npos) {
                if (node->contains(part)) {
                    conflict = key;
                    return false;
                }
                (*node)[part] = *value;
                break;
            }
            json& child = (*node)[part];
            if (child.is_null()) child = json::object();
            if (!child.is_object()) {
                conflict = key;
                return false;
            }
            node = &child;
            start = dot + 1;
        }
    }
    return true;
}

int severity_of(const std::string& priority) {
    static const std::map<std::string, int> m = {
        {"emergency", 7}, {"alert", 6},  {"critical", 5},      {"error", 4},
        {"warning", 3},   {"notice", 2}, {"informational", 1}, {"debug", 0}};
    std::string lower = priority;
    for (auto& c : lower) c = static_cast<char>(tolower(c));
    auto it = m.find(lower);
    return it == m.end() ? -1 : it->second;
}

}  // namespace

class ElasticIngest : public scenario::Suite<ElasticIngest> {
  protected:
    static void SetUpTestSuite() { load({kRulesFile}, kFixtures); }

    // One alert text per stable rule: from a fixture event it fires on, or, for a rule no
    // fixture can fire (documented in the stable suite), its output rendered for an event of
    // one of its types.
    static std::map<std::string, std::string> alert_per_rule() {
        std::map<std::string, std::string> out;
        auto ctx = all_->ruleset->new_context();
        output::AlertFormat fmt;
        fmt.hostname = scenario::kHostname;
        for (const auto& ev : fixtures_->events)
            all_->ruleset->evaluate(ev, ctx, [&](const engine::CompiledRule& rule) {
                out.try_emplace(rule.name, output::format_alert(rule, ev, fmt));
            });
        for (const auto& rule : all_->ruleset->rules)
            if (!out.count(rule.name))
                for (const auto& ev : fixtures_->events)
                    if (ev.type < rule.types.size() && rule.types[ev.type]) {
                        out[rule.name] = output::format_alert(rule, ev, fmt);
                        break;
                    }
        return out;
    }
};

TEST_F(ElasticIngest, EveryStableRuleAlertIngestsCleanly) {
    auto alerts = alert_per_rule();
    ASSERT_EQ(alerts.size(), all_->ruleset->rules.size()) << "a stable rule has no alert";
    const std::regex technique("T\\d{4}"), subtechnique("T\\d{4}.\\d{3}");
    for (const auto& rule : all_->ruleset->rules) {
        SCOPED_TRACE(rule.name);
        json a = json::parse(alerts.at(rule.name), nullptr, false);
        ASSERT_TRUE(a.is_object()) << "the json processor cannot parse the line";
        // The keys the pipeline moves under `falco`, all present and of the expected kinds.
        for (const char* k : {"uuid", "output", "priority", "rule", "time", "source", "hostname"})
            EXPECT_TRUE(a.contains(k) && a[k].is_string()) << k;
        ASSERT_TRUE(a.contains("output_fields") && a["output_fields"].is_object());
        ASSERT_TRUE(a.contains("tags") && a["tags"].is_array());
        EXPECT_EQ(a["rule"], rule.name);
        EXPECT_EQ(a["source"], "syscall");

        json fields;
        std::string conflict;
        ASSERT_TRUE(expand(a["output_fields"], fields, conflict))
            << "dot_expander conflict at " << conflict << " in " << a["output_fields"].dump();

        // @timestamp: evt.time must be an integer (ns); it becomes milliseconds and agrees
        // with the `time` key.
        ASSERT_TRUE(fields.contains("evt") && fields["evt"].contains("time"));
        const json& t = fields["evt"]["time"];
        ASSERT_TRUE(t.is_number_integer()) << t.dump();
        uint64_t ms = t.get<uint64_t>() / 1000000;
        EXPECT_EQ(output::format_utc_z(ms * 1000000).substr(0, 23),
                  a["time"].get<std::string>().substr(0, 23));

        // event.severity from the priority's full name.
        EXPECT_GE(severity_of(a["priority"]), 0) << a["priority"];
        EXPECT_EQ(a["priority"], engine::priority_name(rule.priority));

        // threat.technique.id: the first tag matching T\d{4}, as the pipeline picks it.
        std::string want_technique;
        for (const auto& tag : rule.tags) {
            std::smatch m;
            if (std::regex_search(tag, m, technique)) {
                want_technique = m.str();
                break;
            }
        }
        std::string got_technique;
        for (const auto& tag : a["tags"]) {
            std::smatch m;
            std::string s = tag.get<std::string>();
            if (std::regex_search(s, m, technique)) {
                got_technique = m.str();
                break;
            }
        }
        EXPECT_EQ(got_technique, want_technique);
        EXPECT_EQ(a["tags"].get<std::vector<std::string>>(), rule.tags);
    }
}

// The stable rules do carry MITRE ids: the check above is not vacuous.
TEST_F(ElasticIngest, StableRulesCarryMitreTechniqueIds) {
    size_t with_id = 0;
    const std::regex technique("T\\d{4}");
    for (const auto& rule : all_->ruleset->rules)
        for (const auto& tag : rule.tags)
            if (std::regex_search(tag, technique)) {
                ++with_id;
                break;
            }
    EXPECT_GE(with_id, 20u);
}

// The expansion itself rejects what the pipeline rejects.
TEST(ElasticIngestExpansion, ALeafAndAnObjectAtOnePathIsAConflict) {
    json nested;
    std::string conflict;
    EXPECT_TRUE(expand(json{{"proc.name", "a"}, {"proc.pname", "b"}}, nested, conflict));
    EXPECT_EQ(nested["proc"]["pname"], "b");
    EXPECT_FALSE(expand(json{{"evt.time", 1}, {"evt.time.iso8601", 2}}, nested, conflict));
    EXPECT_EQ(conflict, "evt.time.iso8601");
    // container.image is renamed so that container.image.repository can sit beside it.
    EXPECT_TRUE(expand(json{{"container.image", "i"}, {"container.image.repository", "r"}}, nested,
                       conflict));
    EXPECT_EQ(nested["container"]["image"]["name"], "i");
}
