#include "sensor/output/output_worker.h"

namespace sensor::output {
namespace {
// An idle worker looks for alerts this often: a bound on the added latency, at a cost of a
// few hundred wake-ups a second, and no signalling on the event loop's side.
constexpr auto kIdleWait = std::chrono::milliseconds(5);
constexpr size_t kBatch = 256;
// After a failed write the sink is left alone this long (its alerts count as failed), so a
// dead destination costs one timeout per interval, not one per alert.
constexpr auto kRetryAfterFailure = std::chrono::seconds(1);
}  // namespace

OutputWorker::OutputWorker(std::unique_ptr<Sink> sink, size_t queue_capacity)
    : queue_(queue_capacity), sink_(std::move(sink)) {}

OutputWorker::~OutputWorker() {
    if (thread_.joinable()) stop(std::chrono::milliseconds(0));
}

void OutputWorker::start() {
    thread_ = std::thread([this] { run(); });
}

size_t OutputWorker::deliver_batch(size_t max) {
    size_t n = 0;
    while (n < max) {
        Alert* a = queue_.front();
        if (!a) break;
        auto now = std::chrono::steady_clock::now();
        if (stopping_.load(std::memory_order_acquire) && now >= deadline_) break;
        if (now < retry_after_) {
            // The sink just failed: count alerts as failed without waiting on it again.
            failed_.fetch_add(1, std::memory_order_relaxed);
        } else if (sink_->write(*a)) {
            ++pending_;
        } else {
            failed_.fetch_add(1, std::memory_order_relaxed);
            retry_after_ = now + kRetryAfterFailure;
        }
        queue_.pop();
        ++n;
    }
    if (pending_ > 0) {
        bool ok = sink_->flush();
        (ok ? delivered_ : failed_).fetch_add(pending_, std::memory_order_relaxed);
        if (!ok) retry_after_ = std::chrono::steady_clock::now() + kRetryAfterFailure;
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
        if (stopping_.load(std::memory_order_acquire)) {
            if (n == 0 || std::chrono::steady_clock::now() >= deadline_) break;
            continue;
        }
        if (n == 0) std::this_thread::sleep_for(kIdleWait);
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
    return {sink_->name(), delivered_.load(std::memory_order_relaxed),
            failed_.load(std::memory_order_relaxed), sink_->last_error};
}

}  // namespace sensor::output
