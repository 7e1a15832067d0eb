#pragma once
// The bounded queue between an input's thread and the event loop. Its eventfd is readable
// while payloads wait, so the loop can poll it. The webhook never waits for room (it answers
// 503 instead); file inputs do (their data stays on disk, nothing is lost by waiting).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace sensor::audit_ingest {

class PayloadQueue {
  public:
    explicit PayloadQueue(size_t capacity);
    ~PayloadQueue();
    PayloadQueue(const PayloadQueue&) = delete;
    PayloadQueue& operator=(const PayloadQueue&) = delete;

    // False (payload untouched) when the queue is full.
    bool try_push(std::string& payload);
    // Waits for room; false (payload untouched) when `stop` turned true meanwhile.
    bool push_wait(std::string& payload, const std::atomic<bool>& stop);
    // Makes the eventfd readable even while empty, once (the next drain clears it): a
    // read-once input that finished wakes the loop that waits for it.
    void notify();
    // Wakes the waiters of push_wait so that they see their stop flag.
    void wake_waiters();
    size_t drain(std::vector<std::string>& out, size_t max);
    size_t size() const;
    int event_fd() const { return event_fd_; }

  private:
    void push_locked(std::string& payload);

    const size_t capacity_;
    int event_fd_ = -1;
    mutable std::mutex mu_;
    std::condition_variable room_;
    std::deque<std::string> items_;
};

}  // namespace sensor::audit_ingest
