#pragma once
// Counts heap allocations made by the process, so benchmarks can report allocations per event.
#include <atomic>
#include <cstdint>

namespace sensor::bench {
uint64_t allocation_count();
}  // namespace sensor::bench
