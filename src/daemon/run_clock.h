#pragma once
// The two clocks `sensor run` uses: monotonic for intervals, realtime for alert times.
#include <time.h>

#include <cstdint>

namespace sensor::daemon {

inline uint64_t clock_ns(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
inline uint64_t monotonic_ns() {
    return clock_ns(CLOCK_MONOTONIC);
}
inline uint64_t realtime_ns() {
    return clock_ns(CLOCK_REALTIME);
}

}  // namespace sensor::daemon
