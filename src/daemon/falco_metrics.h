#pragma once
// Falco's metrics (falco.yaml's `metrics`): the numbers the sensor has under Falco's names, in
// one list rendered two ways: the output_fields of a "Falco internal: metrics snapshot" alert
// and a metrics.output_file JSON line ("falco.n_threads", "scap.n_evts", ...), and Prometheus
// text ("falcosecurity_scap_n_threads_total", ...) beside the sensor_* families when
// webserver.prometheus_metrics_enabled is true. Categories follow the metrics.*_enabled keys;
// docs/operations.md lists which of Falco's metrics the sensor has.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ops_keys.h"
#include "run_metrics.h"

namespace sensor::daemon {

// One value under its two names.
struct FalcoMetric {
    enum class Unit : uint8_t { None, Bytes, Percent };
    std::string json_name;  // the output_fields key, e.g. "falco.memory_rss_mb"
    std::string prom_name;  // e.g. "falcosecurity_falco_memory_rss_bytes"
    bool counter = false;
    Unit unit = Unit::None;
    double value = 0;     // bytes for Bytes (the JSON name's unit is applied when written)
    bool always = false;  // written even when 0 (else only with metrics.include_empty_values)
};

// The list for a sample, by the enabled categories (the wrapper values always).
std::vector<FalcoMetric> falco_metrics(const MetricsSample& m, const MetricsConfig& cfg);

// Falco's sanitize_rule_name: runs of characters other than [A-Za-z0-9_:] become one '_', a
// trailing '_' goes ("Read sensitive file" -> "Read_sensitive_file").
std::string sanitize_rule_name(std::string_view name);

// Snapshots at metrics.interval: keeps the previous counts Falco reports beside the new ones
// (*_prev) and the rates since the last snapshot.
class MetricsSnapshotter {
  public:
    explicit MetricsSnapshotter(const MetricsConfig& cfg) : cfg_(cfg) {}
    // The output_fields object of a snapshot taken at now_ns (wall clock); sample numbers
    // increase the snapshot count.
    nlohmann::json snapshot(const MetricsSample& m, uint64_t now_ns);
    // The output_file line: {"sample": N, "output_fields": {...}}.
    std::string file_line(const nlohmann::json& output_fields) const;
    uint64_t samples() const { return samples_; }

  private:
    void add_rates(nlohmann::json& out, const MetricsSample& m, double dt_s);
    const MetricsConfig& cfg_;
    uint64_t samples_ = 0, last_ts_ = 0;
    uint64_t last_num_evts_ = 0, last_n_evts_ = 0, last_n_drops_ = 0;
};

// Falco's Prometheus families for the sample (falco_metrics.cpp's names and labels).
void render_falco_prometheus(const MetricsSample& m, const MetricsConfig& cfg, PromText& t);

}  // namespace sensor::daemon
