#pragma once
// Counts heap allocations made by the process (global operator new replaced), so tests and
// benchmarks can assert or report allocations per event.
#include <cstdint>

namespace sensor::testing_support {
uint64_t allocation_count();
}  // namespace sensor::testing_support
