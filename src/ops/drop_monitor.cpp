#include "sensor/ops/drop_monitor.h"

#include <algorithm>
#include <sstream>

namespace sensor::ops {

bool DropPolicy::set_actions(const std::string& list, std::string& error) {
    log = alert = exit = false;
    std::stringstream ss(list);
    std::string a;
    while (std::getline(ss, a, ',')) {
        if (a == "log")
            log = true;
        else if (a == "alert")
            alert = true;
        else if (a == "exit")
            exit = true;
        else if (a != "ignore" && !a.empty()) {
            error = "unknown action '" + a + "' (ignore, log, alert, exit)";
            return false;
        }
    }
    return true;
}

namespace {

uint64_t sum(const std::vector<uint64_t>& v) {
    uint64_t n = 0;
    for (uint64_t x : v) n += x;
    return n;
}

// Adds b's counts to a (by_reason element-wise).
void merge(DropReport& a, const DropReport& b) {
    if (a.episodes == 0) a.start_ns = b.start_ns;
    a.drops += b.drops;
    a.records += b.records;
    if (a.by_reason.size() < b.by_reason.size()) a.by_reason.resize(b.by_reason.size(), 0);
    for (size_t i = 0; i < b.by_reason.size(); ++i) a.by_reason[i] += b.by_reason[i];
    a.end_ns = b.end_ns;
    a.episodes += b.episodes;
    uint64_t all = a.drops + a.records;
    a.percent = all ? 100.0 * static_cast<double>(a.drops) / static_cast<double>(all) : 0;
}

}  // namespace

void DropMonitor::add_interval(uint64_t now_ns, uint64_t records,
                               const std::vector<uint64_t>& drops) {
    if (!open_) {
        open_ = true;
        episode_ = DropReport{};
        episode_.start_ns = last_ns_;
    }
    DropReport interval;
    interval.start_ns = episode_.start_ns;
    interval.end_ns = now_ns;
    interval.records = records;
    interval.by_reason = drops;
    interval.drops = sum(drops);
    merge(episode_, interval);
    episode_.episodes = 1;
}

void DropMonitor::close_episode() {
    open_ = false;
    ++episodes_;
    const double threshold = policy_.simulate ? 0 : policy_.threshold_percent;
    if (episode_.percent <= threshold) {
        ++below_;
        return;
    }
    if (pending_.episodes > 0 || tokens_ < 1) ++suppressed_;
    merge(pending_, episode_);
}

bool DropMonitor::take_pending(DropReport& report) {
    if (pending_.episodes == 0 || tokens_ < 1) return false;
    tokens_ -= 1;
    ++actions_;
    report = std::move(pending_);
    pending_ = DropReport{};
    return true;
}

bool DropMonitor::finish(DropReport& report) {
    if (open_) close_episode();
    tokens_ = std::max(tokens_, 1.0);
    return take_pending(report);
}

bool DropMonitor::check(uint64_t now_ns, uint64_t records_total,
                        const std::vector<uint64_t>& drops_by_reason, DropReport& report) {
    if (!started_) {
        started_ = true;
        last_ns_ = now_ns;
        // Drops before the first check (the kernel counts from load) belong to an episode.
        if (sum(drops_by_reason) == 0) {
            last_records_ = records_total;
            last_drops_ = drops_by_reason;
            return false;
        }
        last_drops_.assign(drops_by_reason.size(), 0);
    }
    double elapsed = static_cast<double>(now_ns - last_ns_) / 1e9;
    tokens_ = std::min(policy_.max_burst, tokens_ + elapsed * policy_.rate);
    std::vector<uint64_t> drops(drops_by_reason.size(), 0);
    for (size_t i = 0; i < drops.size(); ++i)
        drops[i] = drops_by_reason[i] - (i < last_drops_.size() ? last_drops_[i] : 0);
    if (policy_.simulate && !drops.empty()) ++drops[0];
    const uint64_t records = records_total - last_records_;
    if (sum(drops) > 0) {
        add_interval(now_ns, records, drops);
        // Simulated drops and an exit action do not wait for the episode to end.
        if (policy_.simulate || policy_.exit || now_ns - episode_.start_ns >= kMaxEpisodeNs)
            close_episode();
    } else if (open_) {
        close_episode();
    }
    last_ns_ = now_ns;
    last_records_ = records_total;
    last_drops_ = drops_by_reason;
    return take_pending(report);
}

}  // namespace sensor::ops
