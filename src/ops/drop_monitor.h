#pragma once
// Falco's syscall_event_drops behaviour: once a second the event loop hands in its running
// totals; when the share of records the kernel dropped in that second exceeds the
// threshold, the configured actions (log, alert, exit) are due, rate-limited by a token
// bucket so a node under sustained pressure is not flooded with drop alerts.
#include <cstdint>
#include <string>

namespace sensor::ops {

struct DropPolicy {
    double threshold_percent = 0.1;  // of the records in the interval (Falco: .1)
    bool log = true;
    bool alert = true;
    bool exit = false;
    double rate = 1.0 / 30;  // actions per second, refilled continuously
    double max_burst = 1;
    // syscall_event_drops.simulate_drops: one made-up drop per interval and a threshold of 0,
    // so the actions fire on a healthy node (to test what they feed), as Falco does.
    bool simulate = false;

    // Sets the actions from a comma list of ignore, log, alert, exit; false with error.
    bool set_actions(const std::string& list, std::string& error);
};

struct DropReport {
    uint64_t drops = 0;    // dropped by the kernel in the interval
    uint64_t records = 0;  // delivered in the interval
    double percent = 0;
};

class DropMonitor {
  public:
    explicit DropMonitor(DropPolicy policy) : policy_(policy), tokens_(policy.max_burst) {}

    // True when the actions are due for the interval since the last call (report filled).
    bool check(uint64_t now_ns, uint64_t records_total, uint64_t drops_total, DropReport& report);

    const DropPolicy& policy() const { return policy_; }
    uint64_t actions_taken() const { return actions_; }
    uint64_t actions_suppressed() const { return suppressed_; }

  private:
    DropPolicy policy_;
    double tokens_;
    uint64_t last_ns_ = 0, last_records_ = 0, last_drops_ = 0;
    bool started_ = false;
    uint64_t actions_ = 0, suppressed_ = 0;
};

// Falco's syscall_event_timeouts: a notification when max_consecutive polls in a row found
// no event (the capture has stalled, or the host is idle), then counting starts again.
class TimeoutMonitor {
  public:
    explicit TimeoutMonitor(uint32_t max_consecutive) : max_(max_consecutive) {}
    // One poll that delivered `records`; true when the notification is due.
    bool on_poll(uint64_t records) {
        if (records > 0) {
            empty_ = 0;
            return false;
        }
        if (++empty_ <= max_) return false;
        empty_ = 0;
        ++notifications_;
        return true;
    }
    uint32_t max_consecutive() const { return max_; }
    uint64_t notifications() const { return notifications_; }

  private:
    uint32_t max_;
    uint32_t empty_ = 0;
    uint64_t notifications_ = 0;
};

}  // namespace sensor::ops
