// Falco's metric names over a sample: the snapshot's output_fields (units, empty values,
// previous counts and rates, rule counters) and the Prometheus names.
#include <gtest/gtest.h>

#include "sensor/daemon/falco_metrics.h"
#include "sensor/rules/loader.h"

using namespace sensor;
using namespace sensor::daemon;

namespace {

constexpr uint64_t kSec = 1000000000ull;

struct Sample {
    rules::LoadResult rules = rules::load_rules_contents(
        {{"t.yaml",
          "- rule: Read sensitive file (untrusted)\n  desc: d\n  condition: evt.type = openat\n"
          "  output: o\n  priority: WARNING\n- rule: Quiet\n  desc: d\n  condition: evt.type = "
          "ptrace\n  output: o\n  priority: INFO\n"}});
    LoopCounters loop;
    MetricsSample m;
    Sample() {
        loop.rule_matches = {3, 0};
        loop.events = 1000;
        m.loop = &loop;
        m.ruleset = rules.ruleset.get();
        m.records = 5000;
        m.kernel_drops = 0;
        m.processes = 321;
        m.start_ts = 100 * kSec;
        m.now_ts = 160 * kSec;
    }
};

}  // namespace

TEST(FalcoMetrics, RuleNamesAreSanitizedAsFalcos) {
    EXPECT_EQ(sanitize_rule_name("Read sensitive file (untrusted)"),
              "Read_sensitive_file_untrusted");
    EXPECT_EQ(sanitize_rule_name("a::b--c"), "a::b_c");
}

TEST(FalcoMetrics, SnapshotFieldsMoveBetweenSnapshots) {
    Sample s;
    MetricsConfig cfg;
    MetricsSnapshotter snap(cfg);
    auto first = snap.snapshot(s.m, 160 * kSec);
    EXPECT_EQ(first["scap.n_evts"], 5000);
    EXPECT_EQ(first["scap.n_drops"], 0);  // always written, even when 0
    EXPECT_EQ(first["scap.n_evts_prev"], 0);
    EXPECT_EQ(first["falco.num_evts"], 1000);
    EXPECT_EQ(first["falco.n_threads"], 321);
    EXPECT_EQ(first["falco.duration_sec"], 60);
    EXPECT_EQ(first["falco.rules.Read_sensitive_file_untrusted"], 3);
    EXPECT_FALSE(first.contains("falco.rules.Quiet"));  // 0, and include_empty_values is off
    EXPECT_EQ(first["falco.rules.matches_total"], 3);
    EXPECT_FALSE(first.contains("falco.n_fds"));  // 0: a libs value, left out
    EXPECT_TRUE(first.contains("falco.memory_rss_mb"));
    EXPECT_FALSE(first.contains("falco.evts_rate_sec"));  // no previous snapshot

    s.loop.events = 3000;
    s.m.records = 9000;
    s.m.kernel_drops = 1000;
    auto second = snap.snapshot(s.m, 170 * kSec);
    EXPECT_EQ(second["scap.n_evts"], 10000);
    EXPECT_EQ(second["scap.n_evts_prev"], 5000);
    EXPECT_EQ(second["scap.evts_rate_sec"], 500.0);
    EXPECT_EQ(second["scap.n_drops_prev"], 0);
    EXPECT_EQ(second["scap.evts_drop_rate_sec"], 100.0);
    EXPECT_EQ(second["scap.n_drops_perc"], 10.0);
    EXPECT_EQ(second["falco.num_evts_prev"], 1000);
    EXPECT_EQ(second["falco.evts_rate_sec"], 200.0);
    EXPECT_EQ(snap.samples(), 2u);
    auto line = nlohmann::json::parse(snap.file_line(second));
    EXPECT_EQ(line["sample"], 2);
    EXPECT_EQ(line["output_fields"], second);
}

TEST(FalcoMetrics, CategoriesUnitsAndEmptyValuesFollowTheKeys) {
    Sample s;
    MetricsConfig cfg;
    cfg.convert_memory_to_mb = false;
    cfg.include_empty_values = true;
    cfg.rules_counters = false;
    cfg.kernel_event_counters = false;
    MetricsSnapshotter snap(cfg);
    auto f = snap.snapshot(s.m, 160 * kSec);
    EXPECT_TRUE(f.contains("falco.memory_rss_kb"));
    EXPECT_FALSE(f.contains("falco.memory_rss_mb"));
    EXPECT_EQ(f["falco.n_fds"], 0);  // include_empty_values
    EXPECT_FALSE(f.contains("falco.rules.matches_total"));
    EXPECT_FALSE(f.contains("scap.n_evts"));
}

TEST(FalcoMetrics, PrometheusHasFalcosNames) {
    Sample s;
    MetricsConfig cfg;
    PromText t;
    render_falco_prometheus(s.m, cfg, t);
    std::string text = t.take();
    EXPECT_NE(text.find("# TYPE falcosecurity_scap_n_evts_total counter\n"
                        "falcosecurity_scap_n_evts_total 5000\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("falcosecurity_scap_n_threads_total 321\n"), std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_rules_matches_total{priority=\"4\",rule_name=\"Read "
                        "sensitive file (untrusted)\",source=\"syscall\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_duration_seconds_total 60\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE falcosecurity_falco_memory_rss_bytes gauge"), std::string::npos);
    EXPECT_NE(text.find("falcosecurity_falco_cpu_usage_ratio "), std::string::npos);
}
