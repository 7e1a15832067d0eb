#include "sensor/output/alert_dedup.h"

namespace sensor::output {

AlertDedup::AlertDedup(size_t rule_count, uint64_t window_ns)
    : windows_(rule_count), window_ns_(window_ns) {}

void AlertDedup::open_window(size_t r, uint64_t now_ns) {
    Window& w = windows_[r];
    w.open = true;
    w.end_ns = now_ns + window_ns_;
    w.suppressed = 0;
    ++open_;
}

}  // namespace sensor::output
