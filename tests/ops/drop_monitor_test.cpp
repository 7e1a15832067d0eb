// syscall_event_drops: drop episodes, the threshold per episode and the token bucket that
// rate-limits (but never loses) their reports.
#include "sensor/ops/drop_monitor.h"

#include <gtest/gtest.h>

using sensor::ops::DropMonitor;
using sensor::ops::DropPolicy;
using sensor::ops::DropReport;

namespace {
constexpr uint64_t kSec = 1000000000ull;
}

using Totals = std::vector<uint64_t>;  // running drop totals per reason

// An episode runs from the first interval with drops to the first check without new ones;
// it is reported once then, with its counts.
TEST(DropMonitor, OneReportPerEpisodeWhenItEnds) {
    DropPolicy p;
    p.threshold_percent = 1.0;
    p.rate = 1;
    DropMonitor m(p);
    DropReport r;
    EXPECT_FALSE(m.check(0, 0, Totals{0}, r));              // the baseline
    EXPECT_FALSE(m.check(kSec, 1000, Totals{50}, r));       // drops: the episode starts
    EXPECT_FALSE(m.check(2 * kSec, 1500, Totals{150}, r));  // more: it goes on
    ASSERT_TRUE(m.check(3 * kSec, 2500, Totals{150}, r));   // none: it ends
    EXPECT_EQ(r.drops, 150u);
    EXPECT_EQ(r.records, 1500u);  // delivered while it lasted
    EXPECT_EQ(r.by_reason, Totals{150});
    EXPECT_EQ(r.episodes, 1u);
    EXPECT_EQ(r.start_ns, 0u);
    EXPECT_EQ(r.end_ns, 2 * kSec);
    EXPECT_NEAR(r.percent, 100.0 * 150 / 1650, 0.01);
    EXPECT_FALSE(m.check(4 * kSec, 3500, Totals{150}, r));
    EXPECT_EQ(m.episodes(), 1u);
}

// Falco's threshold applies to the episode's share: a small loss is below it.
TEST(DropMonitor, EpisodesAtOrBelowTheThresholdAreNotActedOn) {
    DropPolicy p;
    p.threshold_percent = 1.0;
    p.rate = 1;
    DropMonitor m(p);
    DropReport r;
    m.check(0, 0, Totals{0}, r);
    EXPECT_FALSE(m.check(kSec, 1000, Totals{5}, r));  // 0.5%
    EXPECT_FALSE(m.check(2 * kSec, 2000, Totals{5}, r));
    EXPECT_EQ(m.episodes(), 1u);
    EXPECT_EQ(m.below_threshold(), 1u);
    EXPECT_EQ(m.actions_taken(), 0u);
}

// A second flood within the rate limit's 30 s is not silent: its episode waits for a token
// and is then reported (with any other held back).
TEST(DropMonitor, RateLimitedEpisodesAreReportedLaterNotLost) {
    DropPolicy p;
    p.threshold_percent = 0;
    p.rate = 1.0 / 30;
    p.max_burst = 1;
    DropMonitor m(p);
    DropReport r;
    m.check(0, 0, Totals{0}, r);
    EXPECT_FALSE(m.check(kSec, 100, Totals{10}, r));
    ASSERT_TRUE(m.check(2 * kSec, 200, Totals{10}, r));  // first episode: reported
    EXPECT_EQ(r.drops, 10u);
    EXPECT_FALSE(m.check(3 * kSec, 300, Totals{30}, r));  // second episode
    EXPECT_FALSE(m.check(4 * kSec, 400, Totals{30}, r));  // ends: no token yet
    EXPECT_FALSE(m.check(5 * kSec, 500, Totals{70}, r));  // third episode
    EXPECT_FALSE(m.check(6 * kSec, 600, Totals{70}, r));
    EXPECT_EQ(m.actions_suppressed(), 2u);
    uint64_t s = 7;
    while (!m.check(s * kSec, s * 100, Totals{70}, r)) ASSERT_LT(++s, 40u);
    EXPECT_GE(s, 31u);  // a token 30 s after the first report
    EXPECT_EQ(r.episodes, 2u);
    EXPECT_EQ(r.drops, 60u);
    EXPECT_EQ(r.start_ns, 2 * kSec);
    EXPECT_EQ(r.end_ns, 5 * kSec);
    EXPECT_EQ(m.actions_taken(), 2u);
}

// Sustained drops are reported while they last, once per kMaxEpisodeNs.
TEST(DropMonitor, LongEpisodesAreReportedWhileTheyLast) {
    DropPolicy p;
    p.threshold_percent = 0;
    p.rate = 1;
    DropMonitor m(p);
    DropReport r;
    m.check(0, 0, Totals{0}, r);
    int reports = 0;
    const uint64_t seconds = 2 * DropMonitor::kMaxEpisodeNs / kSec;
    for (uint64_t s = 1; s <= seconds; ++s) reports += m.check(s * kSec, s, Totals{s}, r) ? 1 : 0;
    EXPECT_EQ(reports, 2);
    EXPECT_EQ(r.drops, DropMonitor::kMaxEpisodeNs / kSec);
}

// At stop the open episode, and one the bucket holds, are reported whatever the bucket says.
TEST(DropMonitor, FinishReportsTheOpenAndHeldEpisodes) {
    DropPolicy p;
    p.threshold_percent = 0;
    p.rate = 1.0 / 3600;
    DropMonitor m(p);
    DropReport r;
    m.check(0, 0, Totals{0}, r);
    m.check(kSec, 10, Totals{1}, r);
    ASSERT_TRUE(m.check(2 * kSec, 20, Totals{1}, r));
    EXPECT_FALSE(m.check(3 * kSec, 30, Totals{4}, r));
    EXPECT_FALSE(m.check(4 * kSec, 40, Totals{4}, r));  // held: no token for an hour
    EXPECT_FALSE(m.check(5 * kSec, 50, Totals{9}, r));  // and one open
    ASSERT_TRUE(m.finish(r));
    EXPECT_EQ(r.drops, 8u);
    EXPECT_EQ(r.episodes, 2u);
    EXPECT_FALSE(m.finish(r));
}

// Drops the kernel counted before the first check (a flood at start) are an episode too.
TEST(DropMonitor, DropsBeforeTheFirstCheckAreReported) {
    DropPolicy p;
    p.threshold_percent = 0;
    p.rate = 1;
    DropMonitor m(p);
    DropReport r;
    EXPECT_FALSE(m.check(kSec, 500, Totals{40}, r));
    ASSERT_TRUE(m.check(2 * kSec, 600, Totals{40}, r));
    EXPECT_EQ(r.drops, 40u);
    EXPECT_EQ(r.records, 500u);
}

// Each reason's drops are kept apart.
TEST(DropMonitor, DropsPerReason) {
    DropPolicy p;
    p.threshold_percent = 0;
    p.rate = 1;
    DropMonitor m(p);
    DropReport r;
    m.check(0, 0, Totals{0, 0}, r);
    m.check(kSec, 10, Totals{3, 1}, r);
    ASSERT_TRUE(m.check(2 * kSec, 20, Totals{3, 1}, r));
    EXPECT_EQ(r.by_reason, (Totals{3, 1}));
    EXPECT_EQ(r.drops, 4u);
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
    EXPECT_FALSE(m.check(0, 0, Totals{0}, r));
    EXPECT_TRUE(m.check(kSec, 100000, Totals{0}, r));  // no real drop, and far below 50%
    EXPECT_EQ(r.drops, 1u);
    EXPECT_EQ(r.records, 100000u);
    EXPECT_FALSE(m.check(kSec + kSec / 2, 200000, Totals{0}, r));  // the bucket: one a second
    EXPECT_TRUE(m.check(3 * kSec, 300000, Totals{0}, r));
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
