#include "sensor/events/time_format.h"

#include <cstdio>
#include <ctime>

namespace sensor::events {

void append_time(uint64_t ts_ns, bool utc, const char* fmt, bool nanos, std::string& out) {
    constexpr uint64_t kNsPerSec = 1000000000ULL;
    time_t secs = static_cast<time_t>(ts_ns / kNsPerSec);
    struct tm tm {};
    if (utc)
        gmtime_r(&secs, &tm);
    else
        localtime_r(&secs, &tm);
    char buf[64];
    size_t len = strftime(buf, sizeof buf, fmt, &tm);
    out.append(buf, len);
    if (nanos) {
        char ns[16];
        int w = std::snprintf(ns, sizeof ns, ".%09llu",
                              static_cast<unsigned long long>(ts_ns % kNsPerSec));
        out.append(ns, static_cast<size_t>(w));
    }
}

}  // namespace sensor::events
