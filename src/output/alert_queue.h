#pragma once
// The hand-off between the event loop and the output thread: a bounded single-producer,
// single-consumer ring of formatted alerts. The producer never blocks or allocates once the
// slots are warm (each slot keeps its string's storage); when the ring is full the alert is
// dropped and counted, so a slow or dead destination cannot stall capture.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/engine/priority.h"

namespace sensor::output {

struct Alert {
    std::string line;  // the formatted alert (JSON object or text line), no newline
    engine::Priority priority = engine::Priority::Debug;
    uint64_t ts_ns = 0;  // event time, ns since the epoch
};

class AlertQueue {
  public:
    explicit AlertQueue(size_t capacity);

    // Producer: copies the alert into a free slot; false (and counted) when full.
    bool push(std::string_view line, engine::Priority priority, uint64_t ts_ns);
    // Consumer: the oldest alert, or nullptr when empty. Valid until pop().
    Alert* front();
    void pop();

    size_t capacity() const { return slots_.size(); }
    uint64_t pushed() const { return pushed_.load(std::memory_order_relaxed); }
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  private:
    std::vector<Alert> slots_;
    // head_: next slot to fill (producer); tail_: next slot to read (consumer). Monotonic.
    alignas(64) std::atomic<uint64_t> head_{0};
    alignas(64) std::atomic<uint64_t> tail_{0};
    alignas(64) std::atomic<uint64_t> pushed_{0};
    std::atomic<uint64_t> dropped_{0};
};

}  // namespace sensor::output
