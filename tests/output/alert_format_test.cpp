// Alert rendering: Falco's text line and JSON object.
#include "sensor/output/alert_format.h"

#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "sensor/rules/loader.h"
#include "support/alert_world.h"

using namespace sensor;
using World = sensor::testing_support::AlertWorld;

namespace {

const engine::CompiledRule& only_rule(const rules::LoadResult& r) {
    return r.ruleset->rules.at(0);
}

rules::LoadResult load_rule(const std::string& output, const std::string& priority = "WARNING") {
    return rules::load_rules_contents(
        {{"t.yaml", "- rule: Read shadow\n  desc: d\n  condition: evt.type = openat\n  output: \"" +
                        output + "\"\n  priority: " + priority +
                        "\n  tags: [zeta, alpha, T1555]\n"}});
}

}  // namespace

TEST(AlertFormat, TimeFormats) {
    EXPECT_EQ(output::format_utc_z(1700000000123456789ULL), "2023-11-14T22:13:20.123456789Z");
    EXPECT_EQ(output::format_iso8601_offset(1700000000000000001ULL),
              "2023-11-14T22:13:20.000000001+0000");
    setenv("TZ", "UTC", 1);
    tzset();
    EXPECT_EQ(output::format_local_time(1700000000123456789ULL), "22:13:20.123456789");
}

TEST(AlertFormat, JsonHasFalcosKeysAndTypes) {
    setenv("TZ", "UTC", 1);
    tzset();
    auto r = load_rule(
        "file=%fd.name proc=%proc.name uid=%user.uid gp=%proc.aname[2] "
        "up=%toupper(proc.name) ok=%evt.is_open_read");
    ASSERT_TRUE(r.ok);
    World w;
    output::AlertFormat fmt;
    fmt.hostname = "node-1";
    auto j = nlohmann::json::parse(output::format_alert(only_rule(r), w.ev, fmt));
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"hostname", "output", "output_fields", "priority",
                                              "rule", "source", "tags", "time", "uuid"}));
    EXPECT_EQ(j["hostname"], "node-1");
    EXPECT_EQ(j["priority"], "Warning");
    EXPECT_EQ(j["rule"], "Read shadow");
    EXPECT_EQ(j["source"], "syscall");
    EXPECT_EQ(j["time"], "2023-11-14T22:13:20.123456789Z");
    EXPECT_EQ(j["tags"], (nlohmann::json{"T1555", "alpha", "zeta"}));
    EXPECT_EQ(j["output"],
              "22:13:20.123456789: Warning file=/etc/shadow proc=cat uid=1000 gp=<NA> up=CAT "
              "ok=false");
    const auto& f = j["output_fields"];
    EXPECT_EQ(f["evt.time"], 1700000000123456789ULL);
    EXPECT_TRUE(f["evt.time"].is_number_integer());
    EXPECT_EQ(f["fd.name"], "/etc/shadow");
    EXPECT_EQ(f["user.uid"], 1000);
    EXPECT_TRUE(f["user.uid"].is_number());
    EXPECT_TRUE(f["proc.aname[2]"].is_null());
    EXPECT_EQ(f["evt.is_open_read"], false);
    EXPECT_FALSE(f.contains("toupper(proc.name)"));  // transformed fields are left out
}

TEST(AlertFormat, PropertySwitchesAndTextLine) {
    setenv("TZ", "UTC", 1);
    tzset();
    auto r = load_rule("proc=%proc.name", "info");
    ASSERT_TRUE(r.ok);
    World w;
    output::AlertFormat fmt;
    fmt.include_output = false;
    fmt.include_tags = false;
    fmt.include_message = true;
    fmt.iso8601 = true;
    auto j = nlohmann::json::parse(output::format_alert(only_rule(r), w.ev, fmt));
    EXPECT_FALSE(j.contains("output"));
    EXPECT_FALSE(j.contains("tags"));
    EXPECT_EQ(j["message"], "proc=cat");
    EXPECT_EQ(j["priority"], "Informational");
    EXPECT_TRUE(j["output_fields"].contains("evt.time.iso8601"));
    fmt.json = false;
    fmt.iso8601 = false;
    EXPECT_EQ(output::format_alert(only_rule(r), w.ev, fmt),
              "22:13:20.123456789: Informational proc=cat");
}

TEST(AlertFormat, UuidIsARandomVersion4IdAndSwitchable) {
    auto r = load_rule("file=%fd.name");
    ASSERT_TRUE(r.ok);
    World w;
    output::AlertFormat fmt;
    auto a = nlohmann::json::parse(output::format_alert(only_rule(r), w.ev, fmt));
    auto b = nlohmann::json::parse(output::format_alert(only_rule(r), w.ev, fmt));
    std::string u = a.value("uuid", "");
    EXPECT_TRUE(std::regex_match(
        u, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << u;
    EXPECT_NE(u, b.value("uuid", ""));
    fmt.include_uuid = false;
    auto c = nlohmann::json::parse(output::format_alert(only_rule(r), w.ev, fmt));
    EXPECT_FALSE(c.contains("uuid"));
}

TEST(AlertFormat, InternalAlertsHaveFalcosShapeWithTheGivenFields) {
    output::AlertFormat fmt;
    fmt.hostname = "node-1";
    fmt.include_uuid = false;
    std::string line;
    output::format_internal_alert_into("Falco internal: metrics snapshot",
                                       engine::Priority::Informational, "Falco metrics snapshot",
                                       R"({"evt.time":5,"scap.n_evts":42})", 1700000000000000000ULL,
                                       fmt, line);
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["rule"], "Falco internal: metrics snapshot");
    EXPECT_EQ(j["priority"], "Informational");
    EXPECT_EQ(j["source"], "internal");
    EXPECT_EQ(j["hostname"], "node-1");
    EXPECT_EQ(j["output_fields"]["scap.n_evts"], 42);
    EXPECT_EQ(j["tags"], nlohmann::json::array());
    EXPECT_NE(j["output"].get<std::string>().find(": Informational Falco metrics snapshot"),
              std::string::npos);
    fmt.json = false;
    output::format_internal_alert_into("Falco internal: timeouts notification",
                                       engine::Priority::Debug, "N timeouts", "{}",
                                       1700000000000000000ULL, fmt, line);
    EXPECT_NE(line.find(": Debug N timeouts"), std::string::npos) << line;
}
