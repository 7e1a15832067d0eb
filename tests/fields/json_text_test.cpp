// The hand-written JSON writer against nlohmann's parser and serializer.
#include "sensor/fields/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sensor/capture/fixture_events.h"
#include "sensor/output/alert_format.h"
#include "sensor/rules/loader.h"

using namespace sensor;
using fields::append_json_string;

namespace {

std::string json_quoted(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

}  // namespace

TEST(JsonWriter, EscapesWhatJsonRequires) {
    EXPECT_EQ(json_quoted("plain /etc/shadow"), "\"plain /etc/shadow\"");
    EXPECT_EQ(json_quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(json_quoted("l1\nl2\tx\r\b\f"), "\"l1\\nl2\\tx\\r\\b\\f\"");
    EXPECT_EQ(json_quoted(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
    EXPECT_EQ(json_quoted(std::string_view("nul\0!", 5)), "\"nul\\u0000!\"");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(json_quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92"),
              "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92\"");
    // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
    for (std::string bad : {"\x80", "\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
        std::string out = json_quoted("x" + bad + "y");
        auto parsed = nlohmann::json::parse(out, nullptr, false);
        ASSERT_FALSE(parsed.is_discarded()) << out;
        EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos) << out;
    }
}

TEST(JsonWriter, NumbersRoundTrip) {
    std::string out;
    fields::append_json_uint(out, 18446744073709551615ull);
    out += ',';
    fields::append_json_int(out, -9223372036854775807ll - 1);
    EXPECT_EQ(out, "18446744073709551615,-9223372036854775808");
}

// Every alert the stable rules raise on the scenario fixtures is byte for byte what
// nlohmann writes for the same document: keys sorted, same escapes, same numbers.
TEST(JsonWriter, AlertsAreCanonicalJson) {
    auto r = rules::load_rules_files({std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml"});
    ASSERT_TRUE(r.ok);
    auto set = capture::load_fixture_file(std::string(SENSOR_SOURCE_DIR) +
                                          "/tests/scenario/fixtures/stable_rules.jsonl");
    auto ctx = r.ruleset->new_context();
    output::AlertFormat fmt;
    fmt.hostname = "host\"with\\quotes";
    size_t n = 0;
    for (bool iso : {false, true})
        for (const auto& ev : set.events)
            r.ruleset->evaluate(ev, ctx, [&](const engine::CompiledRule& rule) {
                fmt.iso8601 = iso;
                fmt.include_message = iso;
                std::string line = output::format_alert(rule, ev, fmt);
                auto j = nlohmann::json::parse(line, nullptr, false);
                ASSERT_FALSE(j.is_discarded()) << line;
                EXPECT_EQ(j.dump(), line);
                ++n;
            });
    EXPECT_GT(n, 20u);
}
