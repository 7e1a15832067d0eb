#pragma once
// Falco's syscall_event_drops, by drop episode: once a second the event loop hands in its
// running totals. An episode starts at the first interval with kernel drops after a drop-free
// one and ends at the first check that sees no new drops (or after kMaxEpisodeNs of drops
// without a pause, so a sustained loss is reported while it lasts). Each episode whose share
// of dropped records exceeds the threshold makes the configured actions (log, alert, exit)
// due once, with its counts. The token bucket (rate, max_burst) limits how often they fire:
// an episode that finds no token is held and reported together with the next one (or alone
// when a token comes), so no episode is silent.
#include <cstdint>
#include <string>
#include <vector>

namespace sensor::ops {

struct DropPolicy {
    double threshold_percent = 0.1;  // of the records in the episode (Falco: .1)
    bool log = true;
    bool alert = true;
    bool exit = false;
    double rate = 1.0 / 30;  // reports per second, refilled continuously
    double max_burst = 1;
    // syscall_event_drops.simulate_drops: one made-up drop per interval and a threshold of 0,
    // each interval its own episode, so the actions fire on a healthy node (to test what they
    // feed), as Falco does.
    bool simulate = false;

    // Sets the actions from a comma list of ignore, log, alert, exit; false with error.
    bool set_actions(const std::string& list, std::string& error);
};

// One report: a drop episode, or several the token bucket held back.
struct DropReport {
    uint64_t drops = 0;    // dropped by the kernel in the episodes (all reasons)
    uint64_t records = 0;  // delivered meanwhile
    double percent = 0;
    std::vector<uint64_t> by_reason;  // drops per reason, in the order the totals came
    uint64_t start_ns = 0;            // monotonic: the check before the first drops
    uint64_t end_ns = 0;              // the last check that saw drops
    uint64_t episodes = 0;
};

class DropMonitor {
  public:
    // An episode without a drop-free check for this long is reported (and a new one begins).
    static constexpr uint64_t kMaxEpisodeNs = 60ull * 1000000000ull;

    explicit DropMonitor(DropPolicy policy) : policy_(policy), tokens_(policy.max_burst) {}

    // True when the actions are due (report filled). drops_by_reason: the kernel's running
    // drop totals per reason.
    bool check(uint64_t now_ns, uint64_t records_total,
               const std::vector<uint64_t>& drops_by_reason, DropReport& report);

    // At stop: after a last check(), the open episode ends and what is held is due, whatever
    // the bucket holds (the report is the last chance to tell). False when nothing is due.
    bool finish(DropReport& report);

    const DropPolicy& policy() const { return policy_; }
    uint64_t actions_taken() const { return actions_; }
    // Episodes whose report the token bucket delayed (reported with a later one).
    uint64_t actions_suppressed() const { return suppressed_; }
    uint64_t episodes() const { return episodes_; }
    // Episodes at or below the threshold (no action, as Falco).
    uint64_t below_threshold() const { return below_; }

  private:
    void add_interval(uint64_t now_ns, uint64_t records, const std::vector<uint64_t>& drops);
    void close_episode();
    bool take_pending(DropReport& report);

    DropPolicy policy_;
    double tokens_;
    uint64_t last_ns_ = 0, last_records_ = 0;
    std::vector<uint64_t> last_drops_;
    bool started_ = false;
    bool open_ = false;
    DropReport episode_;  // the open episode
    DropReport pending_;  // closed episodes waiting for a token
    uint64_t actions_ = 0, suppressed_ = 0, episodes_ = 0, below_ = 0;
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
