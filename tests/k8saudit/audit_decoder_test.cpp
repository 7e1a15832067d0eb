// The decoder's size limit (the plugin's maxEventSize): an event whose compact JSON is over
// the limit is dropped and counted; one exactly at the limit is kept, whatever its escapes,
// numbers and nesting, and in whatever payload it arrives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sensor/fields/registry.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/k8saudit/rfc3339.h"

using namespace sensor;

namespace {

// An event with `pad` characters of padding in a string, spaced out (the compact form is
// shorter than the text), with escapes, numbers, nulls and nesting.
std::string event(size_t pad) {
    return R"({ "kind" : "Event", "auditID" : "a\"\\\/\u00e9\n",
      "stageTimestamp" : "2024-05-01T10:00:00.123456Z",
      "requestObject" : { "n" : [ 1, -2, 3.5, 1e5, true, false, null, [ [ ] ], { } ] },
      "pad" : ")" +
           std::string(pad, 'x') + R"(" })";
}

size_t compact_size(const std::string& json) {
    simdjson::dom::parser p;
    return simdjson::minify(p.parse(json).value()).size();
}

std::vector<uint64_t> kept_times(k8saudit::AuditDecoder& d, const std::string& payload) {
    std::vector<uint64_t> out;
    d.decode(payload, [&](const fields::Event& ev) { out.push_back(ev.num); });
    return out;
}

}  // namespace

TEST(K8sAuditDecoder, EventsOverTheSizeLimitAreDroppedExactly) {
    const size_t limit = compact_size(event(100));
    ASSERT_EQ(compact_size(event(101)), limit + 1);
    k8saudit::AuditDecoder d(limit);
    // In an EventList and in an array (both payloads are over the limit).
    for (const std::string& payload :
         {R"({"kind":"EventList","items":[)" + event(100) + "," + event(101) + "," + event(0) +
              "]}",
          "[" + event(101) + "," + event(100) + "," + event(0) + "]"}) {
        const auto before = d.counters();
        EXPECT_EQ(kept_times(d, payload).size(), 2u) << payload;
        const auto i = static_cast<size_t>(k8saudit::DecodeProblem::kTooLarge);
        EXPECT_EQ(d.counters().problems[i] - before.problems[i], 1u);
        EXPECT_EQ(d.counters().events - before.events, 2u);
    }
    // Alone, a payload within the limit is kept; over it, dropped.
    EXPECT_EQ(kept_times(d, event(100)).size(), 1u);
    EXPECT_EQ(kept_times(d, event(101)).size(), 0u);
    // A far larger event, and many small ones in one large list.
    EXPECT_EQ(kept_times(d, event(100000)).size(), 0u);
    std::string list = R"({"kind":"EventList","items":[)";
    for (int i = 0; i < 400; ++i) list += (i ? "," : "") + event(static_cast<size_t>(i % 50));
    EXPECT_EQ(kept_times(d, list + "]}").size(), 400u);
}

namespace {

// The audit IDs of the events a payload yields (and the decoder, for its counters).
std::vector<std::string> ids(k8saudit::AuditDecoder& d, const std::string& payload) {
    std::vector<std::string> out;
    std::string ptr = "/auditID", err;
    auto ref = fields::resolve_field("jevt.value", &ptr, err, k8saudit::k8s_audit_source());
    d.decode(payload, [&](const fields::Event& ev) {
        std::string scratch;
        fields::Value v;
        out.push_back(ref->def->extract(ev, ref->arg, 0, v, scratch) ? std::string(v.str) : "?");
    });
    return out;
}

std::string ev(const std::string& id, const std::string& ts = "2024-05-01T10:00:00Z") {
    return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":")" + id +
           R"(","stage":"ResponseComplete","stageTimestamp":")" + ts + R"("})";
}

TEST(K8sAuditDecoder, TakesEventsEventListsArraysAndPushEnvelopes) {
    k8saudit::AuditDecoder d;
    EXPECT_EQ(ids(d, ev("a")), std::vector<std::string>{"a"});
    EXPECT_EQ(ids(d, R"({"kind":"EventList","items":[)" + ev("b") + "," + ev("c") + "]}"),
              (std::vector<std::string>{"b", "c"}));
    // EventList items may omit their kind; an array is recursed into.
    EXPECT_EQ(
        ids(d,
            "[" + ev("d") +
                R"(,[{"auditID":"x"}],{"kind":"EventList","items":[{"auditID":"e","stageTimestamp":"2024-05-01T10:00:00Z"}]}])"),
        (std::vector<std::string>{"d", "e"}));
    // AKS diagnostic settings: each kube-audit record's properties.log is an Event.
    std::string log = ev("f");
    std::string escaped;
    for (char c : log) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    EXPECT_EQ(ids(d, R"({"records":[{"category":"kube-audit","properties":{"log":")" + escaped +
                         R"("}},{"category":"guard","properties":{"log":"x"}}]})"),
              std::vector<std::string>{"f"});
    EXPECT_EQ(d.counters().problem_total(), 1u);  // the item without kind in the plain array
    EXPECT_EQ(d.counters().events, 6u);
}

TEST(K8sAuditDecoder, CountsEachProblemAndReportsEachCauseOnce) {
    k8saudit::AuditDecoder d;
    EXPECT_TRUE(ids(d, "not json").empty());
    EXPECT_TRUE(ids(d, "{not json either").empty());
    EXPECT_TRUE(ids(d, R"({"kind": 0})").empty());
    EXPECT_TRUE(ids(d, R"({"kind":"Event","auditID":"n"})").empty());
    EXPECT_TRUE(ids(d, ev("t", "yesterday")).empty());
    EXPECT_EQ(ids(d, ev("ok", "2024-05-01T12:00:00.5+02:00")), std::vector<std::string>{"ok"});
    using P = k8saudit::DecodeProblem;
    const auto& c = d.counters();
    EXPECT_EQ(c.problems[size_t(P::kNotJson)], 2u);
    EXPECT_EQ(c.problems[size_t(P::kNotAuditEvent)], 1u);
    EXPECT_EQ(c.problems[size_t(P::kNoTimestamp)], 1u);
    EXPECT_EQ(c.problems[size_t(P::kBadTimestamp)], 1u);
    auto reports = d.take_first_reports();
    ASSERT_EQ(reports.size(), 4u);  // one per cause, not per occurrence
    EXPECT_NE(reports[1].find("data not recognized as a k8s audit event"), std::string::npos);
    EXPECT_NE(reports[3].find("yesterday"), std::string::npos);
    EXPECT_TRUE(d.take_first_reports().empty());
    // The offset is applied: 12:00:00.5+02:00 is 10:00:00.5 UTC.
    EXPECT_EQ(k8saudit::parse_rfc3339_ns("2024-05-01T12:00:00.5+02:00"),
              k8saudit::parse_rfc3339_ns("2024-05-01T10:00:00.500000000Z"));
}

TEST(K8sAuditDecoder, ArraysNestedTooDeepAreRefused) {
    k8saudit::AuditDecoder d;
    std::string deep = std::string(40, '[') + ev("deep") + std::string(40, ']');
    EXPECT_TRUE(ids(d, deep).empty());
    EXPECT_EQ(d.counters().problems[size_t(k8saudit::DecodeProblem::kNotAuditEvent)], 1u);
}

}  // namespace
