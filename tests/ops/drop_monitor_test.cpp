// syscall_event_drops: threshold per interval and the token bucket that rate-limits actions.
#include "sensor/ops/drop_monitor.h"

#include <gtest/gtest.h>

using sensor::ops::DropMonitor;
using sensor::ops::DropPolicy;
using sensor::ops::DropReport;

namespace {
constexpr uint64_t kSec = 1000000000ull;
}

TEST(DropMonitor, ActsWhenTheIntervalsDropShareExceedsTheThreshold) {
    DropPolicy p;
    p.threshold_percent = 1.0;
    p.rate = 1;  // one action a second
    DropMonitor m(p);
    DropReport r;
    EXPECT_FALSE(m.check(0, 0, 0, r));        // the baseline
    EXPECT_FALSE(m.check(kSec, 1000, 5, r));  // 0.5%: below
    EXPECT_EQ(r.drops, 5u);
    EXPECT_TRUE(m.check(2 * kSec, 1990, 25, r));  // 20 of 1010: 1.98%
    EXPECT_EQ(r.drops, 20u);
    EXPECT_EQ(r.records, 990u);
    EXPECT_NEAR(r.percent, 1.98, 0.01);
    EXPECT_FALSE(m.check(3 * kSec, 2990, 25, r));  // no drops
}

TEST(DropMonitor, TheTokenBucketLimitsActions) {
    DropPolicy p;
    p.threshold_percent = 0;
    p.rate = 1.0 / 30;
    p.max_burst = 2;
    DropMonitor m(p);
    DropReport r;
    m.check(0, 0, 0, r);
    int acted = 0;
    for (uint64_t s = 1; s <= 20; ++s) acted += m.check(s * kSec, s * 100, s * 10, r) ? 1 : 0;
    EXPECT_EQ(acted, 2);  // the burst, then nothing within 30 s
    EXPECT_EQ(m.actions_suppressed(), 18u);
    acted = 0;
    for (uint64_t s = 21; s <= 60; ++s) acted += m.check(s * kSec, s * 100, s * 10, r) ? 1 : 0;
    EXPECT_EQ(acted, 1);  // one more token in 30 s
}

TEST(DropPolicy, ActionsParseAndUnknownOnesAreNamed) {
    DropPolicy p;
    std::string err;
    ASSERT_TRUE(p.set_actions("log,exit", err));
    EXPECT_TRUE(p.log);
    EXPECT_FALSE(p.alert);
    EXPECT_TRUE(p.exit);
    ASSERT_TRUE(p.set_actions("ignore", err));
    EXPECT_FALSE(p.log || p.alert || p.exit);
    EXPECT_FALSE(p.set_actions("log,page", err));
    EXPECT_NE(err.find("'page'"), std::string::npos);
}

TEST(DropMonitor, SimulatedDropsFireOnAHealthyCaptureWhateverTheThreshold) {
    DropPolicy p;
    p.threshold_percent = 50;
    p.rate = 1;
    p.simulate = true;
    DropMonitor m(p);
    DropReport r;
    EXPECT_FALSE(m.check(0, 0, 0, r));
    EXPECT_TRUE(m.check(kSec, 100000, 0, r));  // no real drop, and far below 50%
    EXPECT_EQ(r.drops, 1u);
    EXPECT_EQ(r.records, 100000u);
    EXPECT_FALSE(m.check(kSec + kSec / 2, 200000, 0, r));  // the bucket: one a second
    EXPECT_TRUE(m.check(3 * kSec, 300000, 0, r));
    EXPECT_EQ(m.actions_taken(), 2u);
}

TEST(TimeoutMonitor, NotifiesAfterMaxConsecutiveEmptyPollsThenCountsAgain) {
    sensor::ops::TimeoutMonitor t(3);
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(t.on_poll(0));
    EXPECT_TRUE(t.on_poll(0));  // the 4th in a row: more than max_consecutives
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(t.on_poll(0));
    EXPECT_FALSE(t.on_poll(5));  // an event resets the count
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(t.on_poll(0));
    EXPECT_TRUE(t.on_poll(0));
    EXPECT_EQ(t.notifications(), 2u);
}
