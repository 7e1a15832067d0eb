#include "sensor/output/alert_queue.h"

#include <algorithm>

namespace sensor::output {

AlertQueue::AlertQueue(size_t capacity) : slots_(std::max<size_t>(capacity, 1)) {}

bool AlertQueue::push(std::string_view line, engine::Priority priority, uint64_t ts_ns) {
    uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) >= slots_.size()) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    Alert& a = slots_[head % slots_.size()];
    a.line.assign(line);
    a.priority = priority;
    a.ts_ns = ts_ns;
    head_.store(head + 1, std::memory_order_release);
    pushed_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

Alert* AlertQueue::front() {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) return nullptr;
    return &slots_[tail % slots_.size()];
}

void AlertQueue::pop() {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

}  // namespace sensor::output
