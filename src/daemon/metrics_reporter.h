#pragma once
// falco.yaml's metrics.output_rule and metrics.output_file: every metrics.interval the event
// loop hands in a sample; the snapshot goes out as Falco's internal alert "Falco internal:
// metrics snapshot" (priority Informational, source internal) and/or as a JSON line appended
// to the file ({"sample": N, "output_fields": {...}}, as Falco writes it).
#include <cstdint>
#include <fstream>
#include <string>

#include "alert_pipeline.h"
#include "falco_metrics.h"
#include "ops_keys.h"

namespace sensor::daemon {

class MetricsReporter {
  public:
    explicit MetricsReporter(const MetricsConfig& cfg) : cfg_(cfg), snap_(cfg) {}
    // Opens metrics.output_file for appending; false with an error naming the key.
    bool open(uint64_t now_mono, std::string& error);
    // Whether snapshots are wanted at all, and whether one is due (monotonic ns).
    bool active() const { return cfg_.enabled && (cfg_.output_rule || !cfg_.output_file.empty()); }
    bool due(uint64_t now_mono) const { return active() && now_mono >= next_; }
    // Takes the snapshot and sends it where configured; schedules the next one.
    void report(const MetricsSample& m, uint64_t now_mono, uint64_t now_wall,
                AlertPipeline& alerts);
    uint64_t samples() const { return snap_.samples(); }
    uint64_t file_errors() const { return file_errors_; }

  private:
    const MetricsConfig& cfg_;
    MetricsSnapshotter snap_;
    std::ofstream file_;
    uint64_t next_ = 0;
    uint64_t file_errors_ = 0;
};

}  // namespace sensor::daemon
