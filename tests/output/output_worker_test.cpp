// The alert hand-off: bounded queue, fd/file sinks (real files and pipes), and the per-sink
// output thread with its failure accounting.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "sensor/output/alert_queue.h"
#include "sensor/output/fd_sink.h"
#include "sensor/output/output_worker.h"
#include "support/alloc_counter.h"

using namespace sensor::output;
using sensor::engine::Priority;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "sensor-output-" + std::to_string(getpid()) + "-" + name;
}

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

TEST(AlertQueue, FifoAndDropsWhenFull) {
    AlertQueue q(3);
    EXPECT_TRUE(q.push("a", Priority::Warning, 1));
    EXPECT_TRUE(q.push("b", Priority::Error, 2));
    EXPECT_TRUE(q.push("c", Priority::Notice, 3));
    EXPECT_FALSE(q.push("d", Priority::Notice, 4));  // full: dropped, counted
    EXPECT_EQ(q.dropped(), 1u);
    EXPECT_EQ(q.pushed(), 3u);
    ASSERT_NE(q.front(), nullptr);
    EXPECT_EQ(q.front()->line, "a");
    EXPECT_EQ(q.front()->priority, Priority::Warning);
    q.pop();
    EXPECT_TRUE(q.push("e", Priority::Notice, 5));  // wraps around
    std::vector<std::string> got;
    while (Alert* a = q.front()) {
        got.push_back(a->line);
        q.pop();
    }
    EXPECT_EQ(got, (std::vector<std::string>{"b", "c", "e"}));
    EXPECT_EQ(q.front(), nullptr);
}

TEST(AlertQueue, PushAllocatesNothingOnceSlotsAreWarm) {
    AlertQueue q(4);
    std::string line(600, 'x');
    for (int i = 0; i < 8; ++i) {
        q.push(line, Priority::Warning, 0);
        q.pop();
    }
    uint64_t before = sensor::testing_support::allocation_count();
    for (int i = 0; i < 100; ++i) {
        q.push(line, Priority::Warning, 0);
        q.pop();
    }
    EXPECT_EQ(sensor::testing_support::allocation_count() - before, 0u);
}

TEST(AlertQueue, OneProducerOneConsumerLoseNothing) {
    AlertQueue q(64);
    constexpr int kN = 20000;
    std::thread consumer([&] {
        int expect = 0;
        while (expect < kN) {
            if (Alert* a = q.front()) {
                EXPECT_EQ(a->line, std::to_string(expect));  // keeps draining either way
                ++expect;
                q.pop();
            }
        }
    });
    for (int i = 0; i < kN;)
        if (q.push(std::to_string(i), Priority::Informational, 0)) ++i;
    consumer.join();
    EXPECT_EQ(q.pushed(), static_cast<uint64_t>(kN));
}

TEST(FileSink, AppendsAndReopensAfterRename) {
    std::string path = temp_path("rotate.log");
    fs::remove(path);
    fs::remove(path + ".1");
    FileSink sink(path, /*keep_alive=*/true, /*buffered=*/false);
    ASSERT_TRUE(sink.open()) << sink.last_error;
    Alert a{"one", Priority::Warning, 0};
    ASSERT_EQ(sink.write(a), WriteOutcome::written);
    fs::rename(path, path + ".1");  // logrotate's move
    a.line = "two";
    ASSERT_EQ(sink.write(a), WriteOutcome::written);  // still the old file until reopened
    ASSERT_TRUE(sink.reopen());
    a.line = "three";
    ASSERT_EQ(sink.write(a), WriteOutcome::written);
    EXPECT_EQ(read_lines(path + ".1"), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"three"}));
    fs::remove(path);
    fs::remove(path + ".1");
}

TEST(FileSink, WithoutKeepAliveEachBatchReopensThePath) {
    std::string path = temp_path("nokeep.log");
    fs::remove(path);
    FileSink sink(path, /*keep_alive=*/false, /*buffered=*/true);
    ASSERT_TRUE(sink.open());
    Alert a{"first", Priority::Warning, 0};
    ASSERT_EQ(sink.write(a), WriteOutcome::written);
    ASSERT_TRUE(sink.flush());
    fs::rename(path, path + ".old");
    a.line = "second";
    ASSERT_EQ(sink.write(a),
              WriteOutcome::written);  // no signal needed: the next batch opens the path again
    ASSERT_TRUE(sink.flush());
    EXPECT_EQ(read_lines(path + ".old"), (std::vector<std::string>{"first"}));
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"second"}));
    fs::remove(path);
    fs::remove(path + ".old");
}

TEST(FileSink, UnwritablePathIsAnErrorNamingIt) {
    FileSink sink("/nonexistent-dir/alerts.log", true, false);
    EXPECT_FALSE(sink.open());
    EXPECT_NE(sink.last_error.find("/nonexistent-dir/alerts.log"), std::string::npos);
}

TEST(FdSink, PipeNobodyReadsFailsAfterTheTimeoutInsteadOfHanging) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    fcntl(p[1], F_SETPIPE_SZ, 4096);
    FdSink sink("pipe", p[1], false);
    Alert a{std::string(3000, 'x'), Priority::Warning, 0};
    ASSERT_EQ(sink.write(a), WriteOutcome::written);  // fits
    auto start = std::chrono::steady_clock::now();
    // The reader never reads: nothing of this alert went out, so it can be retried.
    EXPECT_EQ(sink.write(a), WriteOutcome::unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_NE(sink.last_error.find("timed out"), std::string::npos);
    close(p[0]);
    close(p[1]);
}

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
