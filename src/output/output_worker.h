#pragma once
// One output thread per sink, each with its own queue, so a slow or dead destination (a pipe
// nobody reads, an unreachable server) delays only itself. The thread takes alerts from its
// queue, writes them, flushes at the end of each batch, and counts what was delivered and
// what failed. While the destination is unavailable, alerts wait in the queue and the sink
// is retried with exponential back-off; when the queue is full, new alerts are dropped and
// counted. The event loop never waits for it; stop() gives it a bounded time to drain.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "sensor/output/alert_queue.h"
#include "sensor/output/sink.h"

namespace sensor::output {

struct SinkCounts {
    std::string name;
    uint64_t delivered = 0;
    uint64_t failed = 0;
    std::string last_error;
    uint64_t outages = 0;      // times the destination became unavailable
    uint64_t slow_writes = 0;  // writes (or flushes) that took longer than the slow threshold
};

// Called on the output thread when the destination goes down (with its error) and when it
// takes alerts again; for logging.
using SinkStateListener =
    std::function<void(const std::string& sink, bool up, const std::string& error)>;
// Called on the output thread after a write slower than the threshold (Falco's
// output_timeout), with its duration and the count so far; for logging.
using SlowWriteListener =
    std::function<void(const std::string& sink, std::chrono::milliseconds took, uint64_t count)>;

class OutputWorker {
  public:
    OutputWorker(std::unique_ptr<Sink> sink, size_t queue_capacity);
    ~OutputWorker();
    OutputWorker(const OutputWorker&) = delete;
    OutputWorker& operator=(const OutputWorker&) = delete;

    // Before start().
    void set_state_listener(SinkStateListener listener) { listener_ = std::move(listener); }
    void set_slow_write(std::chrono::milliseconds threshold, SlowWriteListener listener) {
        slow_threshold_ = threshold;
        slow_listener_ = std::move(listener);
    }
    void start();
    // Async-signal-safe: the thread reopens every sink before its next batch.
    void request_reopen() { reopen_.store(true, std::memory_order_relaxed); }
    // Drains what is queued for at most drain_timeout, then joins. Alerts still queued then
    // are counted in undelivered_at_stop().
    void stop(std::chrono::milliseconds drain_timeout);

    // The event loop's side: never blocks; false (counted) when this sink's queue is full.
    bool push(std::string_view line, engine::Priority priority, uint64_t ts_ns) {
        return queue_.push(line, priority, ts_ns);
    }
    const AlertQueue& queue() const { return queue_; }
    // Delivery counts; last_error is only stable after stop().
    SinkCounts counts() const;
    uint64_t undelivered_at_stop() const { return undelivered_at_stop_; }
    uint64_t reopens() const { return reopens_.load(std::memory_order_relaxed); }

  private:
    void run();
    // Delivers up to max alerts; returns how many were taken from the queue.
    size_t deliver_batch(size_t max);

    AlertQueue queue_;
    std::unique_ptr<Sink> sink_;
    std::atomic<uint64_t> delivered_{0};
    std::atomic<uint64_t> failed_{0};
    uint64_t pending_ = 0;  // written since the last flush
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> reopen_{false};
    std::atomic<uint64_t> reopens_{0};
    std::chrono::steady_clock::time_point deadline_{};  // set before stopping_
    // Output thread only:
    std::chrono::steady_clock::time_point retry_after_{};
    std::chrono::milliseconds backoff_{0};
    bool down_ = false;
    std::atomic<uint64_t> outages_{0};
    SinkStateListener listener_;
    std::chrono::milliseconds slow_threshold_{0};  // 0: not watched
    SlowWriteListener slow_listener_;
    std::atomic<uint64_t> slow_writes_{0};
    void check_slow(std::chrono::steady_clock::time_point started);
    void went_down();
    void came_up();
    uint64_t undelivered_at_stop_ = 0;
};

}  // namespace sensor::output
