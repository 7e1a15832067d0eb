#pragma once
// Flood control: per-rule de-duplication windows. The first alert of a rule is emitted and
// opens a window; the rule's further alerts inside the window are counted, not emitted; when
// the window ends, one summary ("N more in T s") is emitted if anything was held back, and
// the rule's next alert opens a new window. Nothing is silently lost: every suppressed alert
// is in a summary, and stop() flushes the open windows. Event-loop only; no allocation after
// construction.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sensor::output {

class AlertDedup {
  public:
    AlertDedup(size_t rule_count, uint64_t window_ns);

    // True when the alert is to be emitted; false when it is held back (counted). A window
    // of this rule that has ended is closed first (its summary comes before the alert).
    template <typename F>
    bool admit(size_t rule, uint64_t now_ns, F&& summary) {
        if (rule >= windows_.size()) return true;
        Window& w = windows_[rule];
        if (w.open && now_ns < w.end_ns) {
            ++w.suppressed;
            ++suppressed_total_;
            return false;
        }
        if (w.open) close(rule, summary);
        open_window(rule, now_ns);
        return true;
    }

    // Closes the windows that ended by now_ns; calls summary(rule, suppressed, window_ns) for
    // each that held alerts back.
    template <typename F>
    void expire(uint64_t now_ns, F&& summary) {
        if (open_ == 0) return;
        for (size_t r = 0; r < windows_.size(); ++r) {
            Window& w = windows_[r];
            if (w.open && now_ns >= w.end_ns) close(r, summary);
        }
    }

    // Closes every open window (at stop).
    template <typename F>
    void flush(F&& summary) {
        for (size_t r = 0; r < windows_.size() && open_ > 0; ++r)
            if (windows_[r].open) close(r, summary);
    }

    uint64_t suppressed_total() const { return suppressed_total_; }
    uint64_t summaries() const { return summaries_; }
    uint64_t window_ns() const { return window_ns_; }

  private:
    struct Window {
        bool open = false;
        uint64_t end_ns = 0;
        uint64_t suppressed = 0;
    };

    void open_window(size_t r, uint64_t now_ns);

    template <typename F>
    void close(size_t r, F& summary) {
        Window& w = windows_[r];
        if (w.suppressed > 0) {
            ++summaries_;
            summary(r, w.suppressed, window_ns_);
        }
        w = Window{};
        --open_;
    }

    std::vector<Window> windows_;
    uint64_t window_ns_;
    size_t open_ = 0;
    uint64_t suppressed_total_ = 0;
    uint64_t summaries_ = 0;
};

}  // namespace sensor::output
