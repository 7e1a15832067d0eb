// The per-sink output thread with its failure accounting.
#include "sensor/output/output_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sensor/output/alert_queue.h"

using namespace sensor::output;
using sensor::engine::Priority;

namespace {

// A sink that fails on demand and records what it was given (logic tests of the worker).
class ScriptedSink : public Sink {
  public:
    const char* name() const override { return "scripted"; }
    WriteOutcome write(const Alert& a) override {
        ++attempts;
        if (fail_writes) {
            last_error = "down";
            return WriteOutcome::unavailable;
        }
        if (a.line == "reject") {
            last_error = "rejected";
            return WriteOutcome::failed;
        }
        std::lock_guard lock(mu);
        lines.push_back(a.line);
        return WriteOutcome::written;
    }
    std::vector<std::string> taken() {
        std::lock_guard lock(mu);
        return lines;
    }
    bool reopen() override {
        ++reopens;
        return true;
    }
    std::atomic<bool> fail_writes{false};
    std::atomic<int> reopens{0};
    std::atomic<int> attempts{0};
    std::mutex mu;
    std::vector<std::string> lines;
};

template <typename Pred>
bool eventually(Pred p) {
    for (int i = 0; i < 400; ++i) {
        if (p()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return p();
}

}  // namespace

TEST(OutputWorker, DeliversInOrderAndCounts) {
    auto sink = std::make_unique<ScriptedSink>();
    ScriptedSink* s = sink.get();
    OutputWorker w(std::move(sink), 128);
    w.start();
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(w.push(std::to_string(i), Priority::Informational, 0));
    ASSERT_TRUE(eventually([&] { return w.counts().delivered == 50; }));
    w.stop(std::chrono::seconds(1));
    auto got = s->taken();
    ASSERT_EQ(got.size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(got[static_cast<size_t>(i)], std::to_string(i));
    EXPECT_EQ(w.counts().failed, 0u);
}

TEST(OutputWorker, UnavailableSinkKeepsAlertsQueuedAndDeliversThemWhenBack) {
    auto sink = std::make_unique<ScriptedSink>();
    ScriptedSink* s = sink.get();
    s->fail_writes = true;
    OutputWorker w(std::move(sink), 128);
    std::vector<std::string> transitions;
    std::mutex tm;
    w.set_state_listener([&](const std::string& name, bool up, const std::string& error) {
        std::lock_guard lock(tm);
        transitions.push_back(name + (up ? " up" : " down: " + error));
    });
    w.start();
    for (int i = 0; i < 10; ++i) w.push(std::to_string(i), Priority::Informational, 0);
    ASSERT_TRUE(eventually([&] { return w.counts().outages == 1; }));
    // Down for a while: retried with a growing back-off, not once per alert or per wake-up.
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_LE(s->attempts.load(), 6) << "100+200+400+800 ms of back-off fit in 1 s";
    EXPECT_EQ(w.counts().failed, 0u);
    EXPECT_EQ(w.counts().delivered, 0u);
    s->fail_writes = false;
    w.push("10", Priority::Informational, 0);
    ASSERT_TRUE(eventually([&] { return w.counts().delivered == 11; }));  // within the cap
    w.stop(std::chrono::seconds(1));
    auto got = s->taken();
    ASSERT_EQ(got.size(), 11u);
    for (int i = 0; i < 11; ++i) EXPECT_EQ(got[static_cast<size_t>(i)], std::to_string(i));
    EXPECT_EQ(w.counts().failed, 0u);
    std::lock_guard lock(tm);
    EXPECT_EQ(transitions, (std::vector<std::string>{"scripted down: down", "scripted up"}));
}

TEST(OutputWorker, WhileDownAFullQueueDropsAndCountsTheRest) {
    auto sink = std::make_unique<ScriptedSink>();
    ScriptedSink* s = sink.get();
    s->fail_writes = true;
    OutputWorker w(std::move(sink), 8);
    w.start();
    int accepted = 0;
    for (int i = 0; i < 20; ++i) accepted += w.push("x", Priority::Informational, 0) ? 1 : 0;
    EXPECT_EQ(accepted, 8);
    EXPECT_EQ(w.queue().dropped(), 12u);
    s->fail_writes = false;
    ASSERT_TRUE(eventually([&] { return w.counts().delivered == 8; }));
    w.stop(std::chrono::seconds(1));
    EXPECT_EQ(w.counts().delivered + w.queue().dropped(), 20u);
}

TEST(OutputWorker, RejectedAlertIsCountedAsFailedAndTheRestFollow) {
    auto sink = std::make_unique<ScriptedSink>();
    ScriptedSink* s = sink.get();
    OutputWorker w(std::move(sink), 16);
    w.start();
    w.push("a", Priority::Informational, 0);
    w.push("reject", Priority::Informational, 0);
    w.push("b", Priority::Informational, 0);
    ASSERT_TRUE(eventually([&] { return w.counts().delivered == 2; }));
    w.stop(std::chrono::seconds(1));
    EXPECT_EQ(w.counts().failed, 1u);
    EXPECT_EQ(w.counts().last_error, "rejected");
    EXPECT_EQ(s->taken(), (std::vector<std::string>{"a", "b"}));
}

TEST(OutputWorker, StopWhileDownGivesUpAtTheDeadlineAndCountsTheRest) {
    auto sink = std::make_unique<ScriptedSink>();
    sink->fail_writes = true;
    OutputWorker w(std::move(sink), 16);
    w.start();
    for (int i = 0; i < 5; ++i) w.push("x", Priority::Informational, 0);
    auto start = std::chrono::steady_clock::now();
    w.stop(std::chrono::milliseconds(300));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(w.undelivered_at_stop(), 5u);
    EXPECT_EQ(w.counts().delivered + w.counts().failed, 0u);
}

TEST(OutputWorker, ReopenRequestReachesTheSink) {
    auto sink = std::make_unique<ScriptedSink>();
    ScriptedSink* s = sink.get();
    OutputWorker w(std::move(sink), 8);
    w.start();
    w.request_reopen();
    ASSERT_TRUE(eventually([&] { return s->reopens.load() == 1; }));
    EXPECT_EQ(w.reopens(), 1u);
    w.stop(std::chrono::seconds(1));
}

TEST(OutputWorker, StopCountsWhatCouldNotBeDeliveredInTime) {
    auto sink = std::make_unique<ScriptedSink>();
    OutputWorker w(std::move(sink), 16);
    // Not started: nothing drains, so stop() with no time left leaves everything queued.
    for (int i = 0; i < 5; ++i) w.push("x", Priority::Informational, 0);
    w.start();
    w.stop(std::chrono::milliseconds(0));
    EXPECT_EQ(w.counts().delivered + w.undelivered_at_stop(), 5u);
}

// Falco's output_timeout: a write slower than the threshold is counted and reported; the
// sink sleeps well past a 1 ms threshold, so the count cannot depend on the machine's speed.
TEST(OutputWorker, SlowWritesOverTheThresholdAreCounted) {
    class SlowSink : public Sink {
      public:
        const char* name() const override { return "slow"; }
        WriteOutcome write(const Alert&) override {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return WriteOutcome::written;
        }
    };
    OutputWorker w(std::make_unique<SlowSink>(), 16);
    std::atomic<uint64_t> reported{0};
    w.set_slow_write(std::chrono::milliseconds(1),
                     [&](const std::string& sink, std::chrono::milliseconds took, uint64_t n) {
                         EXPECT_EQ(sink, "slow");
                         EXPECT_GE(took.count(), 20);
                         reported = n;
                     });
    w.start();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(w.push("a", Priority::Informational, 0));
    ASSERT_TRUE(eventually([&] { return w.counts().delivered == 3; }));
    w.stop(std::chrono::seconds(1));
    EXPECT_EQ(w.counts().slow_writes, 3u);
    EXPECT_EQ(reported.load(), 3u);
    OutputWorker quick(std::make_unique<ScriptedSink>(), 16);  // no threshold: nothing counted
    quick.start();
    ASSERT_TRUE(quick.push("a", Priority::Informational, 0));
    ASSERT_TRUE(eventually([&] { return quick.counts().delivered == 1; }));
    quick.stop(std::chrono::seconds(1));
    EXPECT_EQ(quick.counts().slow_writes, 0u);
}
