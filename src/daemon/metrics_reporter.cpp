#include "metrics_reporter.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

namespace sensor::daemon {

bool MetricsReporter::open(uint64_t now_mono, std::string& error) {
    next_ = now_mono + cfg_.interval_ns;
    if (!cfg_.enabled || cfg_.output_file.empty()) return true;
    file_.open(cfg_.output_file, std::ios::app);
    if (!file_) {
        error = "config key 'metrics.output_file': cannot open " + cfg_.output_file + ": " +
                std::strerror(errno);
        return false;
    }
    return true;
}

void MetricsReporter::report(const MetricsSample& m, uint64_t now_mono, uint64_t now_wall,
                             AlertPipeline& alerts) {
    next_ = now_mono + cfg_.interval_ns;
    nlohmann::json fields = snap_.snapshot(m, now_wall);
    if (cfg_.output_rule)
        alerts.internal_alert("Falco internal: metrics snapshot", engine::Priority::Informational,
                              "Falco metrics snapshot", fields.dump());
    if (!file_.is_open()) return;
    file_ << snap_.file_line(fields) << '\n';
    file_.flush();
    if (!file_) {
        // Counted and logged once; the next snapshot tries again.
        if (file_errors_++ == 0)
            spdlog::error("metrics.output_file {}: write failed: {}", cfg_.output_file,
                          std::strerror(errno));
        file_.clear();
    }
}

}  // namespace sensor::daemon
