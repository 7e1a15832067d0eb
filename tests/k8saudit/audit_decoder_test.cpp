// The decoder's size limit (the plugin's maxEventSize): an event whose compact JSON is over
// the limit is dropped and counted; one exactly at the limit is kept, whatever its escapes,
// numbers and nesting, and in whatever payload it arrives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sensor/k8saudit/audit_decoder.h"

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
