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

bool DropMonitor::check(uint64_t now_ns, uint64_t records_total, uint64_t drops_total,
                        DropReport& report) {
    if (!started_) {
        started_ = true;
        last_ns_ = now_ns;
        last_records_ = records_total;
        last_drops_ = drops_total;
        return false;
    }
    double elapsed = static_cast<double>(now_ns - last_ns_) / 1e9;
    tokens_ = std::min(policy_.max_burst, tokens_ + elapsed * policy_.rate);
    report.drops = drops_total - last_drops_;
    report.records = records_total - last_records_;
    last_ns_ = now_ns;
    last_records_ = records_total;
    last_drops_ = drops_total;
    if (policy_.simulate) ++report.drops;
    if (report.drops == 0) return false;
    uint64_t all = report.drops + report.records;
    report.percent = 100.0 * static_cast<double>(report.drops) / static_cast<double>(all);
    if (report.percent <= (policy_.simulate ? 0 : policy_.threshold_percent)) return false;
    if (tokens_ < 1) {
        ++suppressed_;
        return false;
    }
    tokens_ -= 1;
    ++actions_;
    return true;
}

}  // namespace sensor::ops
