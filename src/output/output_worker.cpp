#include "sensor/output/output_worker.h"

#include <algorithm>

namespace sensor::output {
namespace {
// An idle worker looks for alerts this often: a bound on the added latency, at a cost of a
// few hundred wake-ups a second, and no signalling on the event loop's side.
constexpr auto kIdleWait = std::chrono::milliseconds(5);
constexpr size_t kBatch = 256;
// A destination that fails is retried after a back-off that doubles up to a cap, so a dead
// server costs one attempt (one timeout at most) per interval, not one per alert, and one
// that comes back is found again within the cap.
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
}  // namespace

OutputWorker::OutputWorker(std::unique_ptr<Sink> sink, size_t queue_capacity)
    : queue_(queue_capacity), sink_(std::move(sink)) {}

OutputWorker::~OutputWorker() {
    if (thread_.joinable()) stop(std::chrono::milliseconds(0));
}

void OutputWorker::start() {
    thread_ = std::thread([this] { run(); });
}

void OutputWorker::went_down() {
    auto now = std::chrono::steady_clock::now();
    backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
    retry_after_ = now + backoff_;
    if (!down_) {
        down_ = true;
        outages_.fetch_add(1, std::memory_order_relaxed);
        if (listener_) listener_(sink_->name(), false, sink_->last_error);
    }
}

void OutputWorker::came_up() {
    backoff_ = std::chrono::milliseconds(0);
    if (down_) {
        down_ = false;
        if (listener_) listener_(sink_->name(), true, "");
    }
}

void OutputWorker::check_slow(std::chrono::steady_clock::time_point started) {
    if (slow_threshold_.count() == 0) return;
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (took <= slow_threshold_) return;
    uint64_t n = slow_writes_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (slow_listener_) slow_listener_(sink_->name(), took, n);
}

size_t OutputWorker::deliver_batch(size_t max) {
    size_t n = 0;
    while (n < max) {
        Alert* a = queue_.front();
        if (!a) break;
        auto now = std::chrono::steady_clock::now();
        if (stopping_.load(std::memory_order_acquire) && now >= deadline_) break;
        if (now < retry_after_) break;  // backing off: the alert waits in the queue
        WriteOutcome outcome = sink_->write(*a);
        check_slow(now);
        if (outcome == WriteOutcome::unavailable) {
            went_down();
            break;
        }
        if (outcome == WriteOutcome::written) {
            ++pending_;
            came_up();
        } else {
            failed_.fetch_add(1, std::memory_order_relaxed);
            went_down();
        }
        queue_.pop();
        ++n;
    }
    if (pending_ > 0) {
        auto started = std::chrono::steady_clock::now();
        bool ok = sink_->flush();
        check_slow(started);
        (ok ? delivered_ : failed_).fetch_add(pending_, std::memory_order_relaxed);
        if (!ok) went_down();
        pending_ = 0;
    }
    return n;
}

void OutputWorker::run() {
    for (;;) {
        if (reopen_.exchange(false, std::memory_order_relaxed)) {
            sink_->reopen();
            reopens_.fetch_add(1, std::memory_order_relaxed);
        }
        size_t n = deliver_batch(kBatch);
        if (stopping_.load(std::memory_order_acquire) &&
            (!queue_.front() || std::chrono::steady_clock::now() >= deadline_))
            break;
        if (n == 0) std::this_thread::sleep_for(kIdleWait);  // idle, or backing off
    }
}

void OutputWorker::stop(std::chrono::milliseconds drain_timeout) {
    if (!thread_.joinable()) return;
    deadline_ = std::chrono::steady_clock::now() + drain_timeout;
    stopping_.store(true, std::memory_order_release);  // publishes deadline_
    thread_.join();
    while (queue_.front()) {
        queue_.pop();
        ++undelivered_at_stop_;
    }
}

SinkCounts OutputWorker::counts() const {
    return {sink_->name(),
            delivered_.load(std::memory_order_relaxed),
            failed_.load(std::memory_order_relaxed),
            sink_->last_error,
            outages_.load(std::memory_order_relaxed),
            slow_writes_.load(std::memory_order_relaxed)};
}

}  // namespace sensor::output
