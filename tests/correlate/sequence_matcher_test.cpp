// Sequence matching: event-time order, the window's edges, arrival out of order within the
// allowed lateness, join keys, several partial matches per key, the bounds (evictions counted),
// expiry by watermark, late occurrences counted, and what a reload keeps.
#include "sensor/correlate/sequence_matcher.h"

#include <gtest/gtest.h>

#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

constexpr uint64_t kSec = 1000000000ull;

std::shared_ptr<const engine::Ruleset> load(const std::string& within = "10m",
                                            const std::string& name = "A then B") {
    auto r =
        rules::load_rules_contents({{"seq.yaml", "- sequence: " + name + "\n  within: " + within +
                                                     "\n  steps:\n"
                                                     "    - rule: A\n      by: [k]\n"
                                                     "    - rule: B\n      by: [k]\n"
                                                     "  output: a=%a b=%b\n"
                                                     "  priority: WARNING\n"}});
    EXPECT_TRUE(r.ok);
    return r.ruleset;
}

struct Harness {
    std::vector<std::string> fired;  // "k first-ref last-ref"
    correlate::SequenceMatcher m;
    explicit Harness(std::shared_ptr<const engine::Ruleset> rs, correlate::Limits l = {})
        : m(std::move(rs), l, [this](const correlate::Match& match) {
              fired.push_back(match.chain.front()->ref + ">" + match.chain.back()->ref + " " +
                              match.render_output());
          }) {}
    void alert(const std::string& rule, const std::string& key, uint64_t t_s,
               const std::string& ref) {
        correlate::ReceivedAlert a;
        a.rule = rule;
        a.ts = 1700000000 * kSec + t_s * kSec;
        a.fields = {{"k", key}, {rule == "A" ? "a" : "b", ref}};
        a.ref = ref;
        m.on_alert(a);
    }
};

TEST(SequenceMatcher, FiresInEventTimeOrderOnlyAndRendersFieldsOfEachStep) {
    Harness h(load());
    h.alert("B", "x", 10, "b0");  // before any A: wrong order
    h.alert("A", "x", 20, "a1");
    EXPECT_TRUE(h.fired.empty());
    h.alert("B", "x", 30, "b1");
    ASSERT_EQ(h.fired.size(), 1u);
    EXPECT_EQ(h.fired[0], "a1>b1 a=a1 b=b1");
    EXPECT_EQ(h.m.counters().matches, 1u);
}

TEST(SequenceMatcher, TheWindowIncludesItsEdgeAndNothingPast) {
    Harness h(load("60s"));
    h.alert("A", "x", 0, "a1");
    h.alert("B", "x", 61, "late");
    EXPECT_TRUE(h.fired.empty());
    h.alert("B", "x", 60, "edge");
    ASSERT_EQ(h.fired.size(), 1u);
    EXPECT_EQ(h.fired[0], "a1>edge a=a1 b=edge");
}

TEST(SequenceMatcher, ArrivalOutOfOrderStillMatchesByEventTime) {
    Harness h(load());
    h.alert("B", "x", 100, "b1");  // the audit event arrives first...
    h.alert("A", "x", 40, "a1");   // ...the alert it follows in event time, later
    ASSERT_EQ(h.fired.size(), 1u);
    EXPECT_EQ(h.fired[0], "a1>b1 a=a1 b=b1");
    EXPECT_EQ(h.m.counters().late, 0u);  // 60 s late is within the default 5 min
}

TEST(SequenceMatcher, KeysAreJoinedExactly) {
    Harness h(load());
    h.alert("A", "pod-1", 0, "a1");
    h.alert("A", "pod-2", 1, "a2");
    h.alert("B", "pod-3", 2, "b3");
    h.alert("B", "pod-10", 2, "b10");
    EXPECT_TRUE(h.fired.empty());
    h.alert("B", "pod-2", 3, "b2");
    ASSERT_EQ(h.fired.size(), 1u);
    EXPECT_EQ(h.fired[0], "a2>b2 a=a2 b=b2");
}

TEST(SequenceMatcher, EachFirstStepFiresOnce) {
    Harness h(load());
    h.alert("A", "x", 0, "a1");
    h.alert("A", "x", 5, "a2");
    h.alert("B", "x", 10, "b1");  // completes both partial matches
    h.alert("B", "x", 20, "b2");  // nothing left to complete
    ASSERT_EQ(h.fired.size(), 2u);
    EXPECT_EQ(h.fired[0], "a1>b1 a=a1 b=b1");
    EXPECT_EQ(h.fired[1], "a2>b1 a=a2 b=b1");
    h.alert("A", "x", 30, "a3");  // a later first step is not completed by earlier Bs
    EXPECT_EQ(h.fired.size(), 2u);
}

TEST(SequenceMatcher, TheBoundsEvictTheOldestAndCountThem) {
    correlate::Limits l;
    l.max_per_key_step = 2;
    Harness h(load(), l);
    h.alert("A", "x", 0, "a1");
    h.alert("A", "x", 1, "a2");
    h.alert("A", "x", 2, "a3");  // a1 is evicted
    EXPECT_EQ(h.m.counters().evicted, 1u);
    h.alert("B", "x", 3, "b1");
    ASSERT_EQ(h.fired.size(), 2u);
    EXPECT_EQ(h.fired[0].substr(0, 6), "a2>b1 ");
    EXPECT_EQ(h.fired[1].substr(0, 6), "a3>b1 ");

    correlate::Limits total;
    total.max_total = 3;
    Harness t(load(), total);
    for (int i = 0; i < 5; ++i) t.alert("A", "key" + std::to_string(i), 0, "a");
    EXPECT_LE(t.m.counters().kept, 3u);
    EXPECT_EQ(t.m.counters().evicted + t.m.counters().kept, 5u);
}

TEST(SequenceMatcher, TheWatermarkExpiresStateAndMarksLateOccurrences) {
    correlate::Limits l;
    l.allowed_lateness_ns = 60 * kSec;
    Harness h(load("10m"), l);
    h.alert("A", "x", 0, "a1");
    h.alert("A", "y", 1000, "a2");  // watermark 940 s: a1's window (to 600 s) has passed
    EXPECT_EQ(h.m.counters().expired, 1u);
    EXPECT_EQ(h.m.counters().kept, 1u);
    h.alert("B", "x", 300, "b-late");  // within a1's window, but a1 is gone, and it is late
    EXPECT_TRUE(h.fired.empty());
    EXPECT_EQ(h.m.counters().late, 1u);
    h.alert("B", "y", 1100, "b2");
    EXPECT_EQ(h.fired.size(), 1u);
}

TEST(SequenceMatcher, AReloadKeepsPartialMatchesOfSequencesThatRemain) {
    Harness h(load());
    h.alert("A", "x", 0, "a1");
    h.m.set_rules(load());  // the same sequence: its partial match stays
    h.alert("B", "x", 10, "b1");
    EXPECT_EQ(h.fired.size(), 1u);
    h.alert("A", "y", 20, "a2");
    h.m.set_rules(load("10m", "Another"));  // the sequence is gone: what it held is counted
    EXPECT_EQ(h.m.counters().evicted, 3u);  // a1 and b1 (kept until their window ends), a2
    EXPECT_EQ(h.m.counters().kept, 0u);
}

}  // namespace
