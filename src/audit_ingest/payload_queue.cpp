#include "sensor/audit_ingest/payload_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

namespace sensor::audit_ingest {

PayloadQueue::PayloadQueue(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

PayloadQueue::~PayloadQueue() {
    if (event_fd_ >= 0) close(event_fd_);
}

void PayloadQueue::push_locked(std::string& payload) {
    // The eventfd's counter is non-zero exactly while the queue is non-empty: set on the first
    // payload, cleared by the drain that empties the queue (both under the lock).
    if (items_.empty()) {
        uint64_t one = 1;
        [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof one);
    }
    items_.push_back(std::move(payload));
}

bool PayloadQueue::try_push(std::string& payload) {
    std::lock_guard lock(mu_);
    if (items_.size() >= capacity_) return false;
    push_locked(payload);
    return true;
}

bool PayloadQueue::push_wait(std::string& payload, const std::atomic<bool>& stop) {
    std::unique_lock lock(mu_);
    // The timeout bounds a missed wake-up of the stop flag.
    while (items_.size() >= capacity_) {
        if (stop) return false;
        room_.wait_for(lock, std::chrono::milliseconds(200));
    }
    if (stop) return false;
    push_locked(payload);
    return true;
}

void PayloadQueue::notify() {
    std::lock_guard lock(mu_);
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof one);
}

void PayloadQueue::wake_waiters() {
    std::lock_guard lock(mu_);
    room_.notify_all();
}

size_t PayloadQueue::drain(std::vector<std::string>& out, size_t max) {
    std::lock_guard lock(mu_);
    size_t n = 0;
    while (n < max && !items_.empty()) {
        out.push_back(std::move(items_.front()));
        items_.pop_front();
        ++n;
    }
    if (items_.empty()) {
        uint64_t value;
        [[maybe_unused]] ssize_t r = read(event_fd_, &value, sizeof value);
    }
    if (n > 0) room_.notify_all();
    return n;
}

size_t PayloadQueue::size() const {
    std::lock_guard lock(mu_);
    return items_.size();
}

}  // namespace sensor::audit_ingest
