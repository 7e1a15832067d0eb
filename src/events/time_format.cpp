#include "sensor/events/time_format.h"

#include <cstdio>
#include <ctime>

namespace sensor::events {

namespace {
constexpr uint64_t kNsPerSec = 1000000000ULL;
}

void append_time(uint64_t ts_ns, bool utc, const char* fmt, bool nanos, std::string& out) {
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

void append_rfc3164_time(uint64_t ts_ns, std::string& out) {
    append_time(ts_ns, false, "%b %e %H:%M:%S", false, out);
}

void append_rfc3339_micros(uint64_t ts_ns, std::string& out) {
    append_time(ts_ns, true, "%Y-%m-%dT%H:%M:%S", false, out);
    char us[16];
    int w =
        std::snprintf(us, sizeof us, ".%06uZ", static_cast<unsigned>((ts_ns % kNsPerSec) / 1000));
    out.append(us, static_cast<size_t>(w));
}

}  // namespace sensor::events
