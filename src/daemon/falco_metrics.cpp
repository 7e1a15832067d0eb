#include "falco_metrics.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "sensor/ops/health_server.h"

namespace sensor::daemon {
namespace {

using Unit = FalcoMetric::Unit;

// "key:   123 kB" lines of /proc files (status, meminfo, smaps_rollup): the number, in kB.
uint64_t proc_kb(const char* path, std::string_view key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() &&
            line[key.size()] == ':')
            return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10);
    return 0;
}

// A "name value" line of /proc/stat (btime, procs_running).
uint64_t proc_stat(std::string_view key) {
    std::ifstream in("/proc/stat");
    std::string name;
    uint64_t v = 0;
    while (in >> name) {
        if (name == key && in >> v) return v;
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

uint64_t host_open_fds() {
    std::ifstream in("/proc/sys/fs/file-nr");
    uint64_t n = 0;
    in >> n;
    return n;
}

double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}

struct ListBuilder {
    std::vector<FalcoMetric>& out;
    bool wrapper = true;  // Falco's own values: written even when 0
    // json "falco.<name>" and prometheus "falcosecurity_<prom_group>_<name>[_total]".
    void add(const char* json_group, const char* prom_group, const std::string& name, bool counter,
             double v, Unit unit = Unit::None, const char* prom_suffix = "") {
        FalcoMetric m;
        m.json_name = std::string(json_group) + "." + name;
        m.prom_name = "falcosecurity_" + std::string(prom_group) + "_" + name + prom_suffix;
        m.counter = counter;
        m.unit = unit;
        m.value = v;
        m.always = wrapper;
        out.push_back(std::move(m));
    }
};

void add_resource_utilization(ListBuilder& b, const MetricsSample& m) {
    double cpu_s = 0;
    uint64_t rss = 0;
    self_usage(cpu_s, rss);
    double wall_s = m.start_ts ? static_cast<double>(m.now_ts - m.start_ts) / 1e9 : 0;
    double perc = wall_s > 0 ? round1(100.0 * cpu_s / wall_s) : 0;
    FalcoMetric cpu{"falco.cpu_usage_perc",
                    "falcosecurity_falco_cpu_usage_ratio",
                    false,
                    Unit::Percent,
                    perc,
                    false};
    b.out.push_back(cpu);
    const double kb = 1024;
    b.add("falco", "falco", "memory_rss", false,
          static_cast<double>(proc_kb("/proc/self/status", "VmRSS")) * kb, Unit::Bytes);
    b.add("falco", "falco", "memory_vsz", false,
          static_cast<double>(proc_kb("/proc/self/status", "VmSize")) * kb, Unit::Bytes);
    b.add("falco", "falco", "memory_pss", false,
          static_cast<double>(proc_kb("/proc/self/smaps_rollup", "Pss")) * kb, Unit::Bytes);
    uint64_t total = proc_kb("/proc/meminfo", "MemTotal");
    uint64_t avail = proc_kb("/proc/meminfo", "MemAvailable");
    b.add("falco", "falco", "host_memory_used", false,
          static_cast<double>(total > avail ? total - avail : 0) * kb, Unit::Bytes);
    b.add("falco", "falco", "host_procs_running", false,
          static_cast<double>(proc_stat("procs_running")), Unit::None, "_total");
    b.add("falco", "falco", "host_open_fds", false, static_cast<double>(host_open_fds()),
          Unit::None, "_total");
}

void add_state_counters(ListBuilder& b, const MetricsSample& m) {
    const std::pair<const char*, uint64_t> counters[] = {
        {"n_threads", m.processes},
        {"n_fds", m.fds},
        {"n_added_threads", m.threads_added},
        {"n_removed_threads", m.threads_removed},
        {"n_drops_full_threadtable", m.threadtable_drops},
        {"n_noncached_fd_lookups", m.fd_lookups},
        {"n_failed_fd_lookups", m.fd_lookup_failures},
    };
    // Falco writes them as falco.* in output_fields and falcosecurity_scap_* in Prometheus.
    for (const auto& [name, v] : counters)
        b.add("falco", "scap", name, true, static_cast<double>(v), Unit::None, "_total");
}

void add_kernel_counters(ListBuilder& b, const MetricsSample& m) {
    // The kernel produced what was delivered and what it dropped (Falco: n_evts has n_drops).
    const uint64_t n_evts = m.records + m.kernel_drops;
    b.add("scap", "scap", "n_evts", true, static_cast<double>(n_evts), Unit::None, "_total");
    b.add("scap", "scap", "n_drops_buffer_total", true, static_cast<double>(m.kernel_drops));
    b.add("scap", "scap", "n_drops", true, static_cast<double>(m.kernel_drops), Unit::None,
          "_total");
    FalcoMetric perc{
        "scap.n_drops_perc",
        "",
        false,
        Unit::None,
        n_evts ? round1(100.0 * static_cast<double>(m.kernel_drops) / static_cast<double>(n_evts))
               : 0,
        false};
    b.out.push_back(perc);
}

void add_libbpf_stats(ListBuilder& b, const MetricsSample& m) {
    for (const auto& p : m.programs) {
        b.add("scap", "scap", p.name + ".run_cnt", true, static_cast<double>(p.run_count));
        b.add("scap", "scap", p.name + ".run_time_ns", true, static_cast<double>(p.run_time_ns));
        b.out.back().prom_name = "falcosecurity_scap_" + p.name + "_run_time_nanoseconds_total";
        b.out[b.out.size() - 2].prom_name = "falcosecurity_scap_" + p.name + "_run_cnt_total";
    }
}

// The JSON value under the JSON name's unit (kB or MB for memory, as convert_memory_to_mb).
void put_json(nlohmann::json& out, const FalcoMetric& f, const MetricsConfig& cfg) {
    if (f.unit != Unit::Bytes) {
        double v = f.value;
        if (v == std::floor(v) && v >= 0 && v < 1.8e19)
            out[f.json_name] = static_cast<uint64_t>(v);
        else
            out[f.json_name] = v;
        return;
    }
    if (cfg.convert_memory_to_mb)
        out[f.json_name + "_mb"] = round1(f.value / (1024.0 * 1024.0));
    else
        out[f.json_name + "_kb"] = static_cast<uint64_t>(f.value / 1024.0);
}

std::string kernel_release() {
    utsname u{};
    return uname(&u) == 0 ? u.release : "";
}

std::string host_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

}  // namespace

std::string sanitize_rule_name(std::string_view name) {
    std::string out;
    for (char c : name) {
        bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
        char w = keep ? c : '_';
        if (w == '_' && !out.empty() && out.back() == '_') continue;
        out += w;
    }
    if (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

std::vector<FalcoMetric> falco_metrics(const MetricsSample& m, const MetricsConfig& cfg) {
    std::vector<FalcoMetric> out;
    ListBuilder b{out};
    b.add("falco", "falco", "host_boot_ts", false, static_cast<double>(proc_stat("btime")) * 1e9);
    out.back().prom_name = "falcosecurity_falco_host_boot_timestamp_nanoseconds";
    b.add("falco", "falco", "host_num_cpus", false,
          static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)), Unit::None, "_total");
    b.add("falco", "falco", "outputs_queue_num_drops", true, static_cast<double>(m.sink_drops),
          Unit::None, "_total");
    b.add("falco", "falco", "start_ts", false, static_cast<double>(m.start_ts));
    out.back().prom_name = "falcosecurity_falco_start_timestamp_nanoseconds";
    b.add("falco", "falco", "reload_ts", false, static_cast<double>(m.reload_ts));
    out.back().prom_name = "falcosecurity_falco_reload_timestamp_nanoseconds";
    b.add("falco", "falco", "duration_sec", true,
          static_cast<double>((m.now_ts - m.start_ts) / 1000000000ull));
    out.back().prom_name = "falcosecurity_falco_duration_seconds_total";
    b.wrapper = false;  // the libs' categories below skip zeros (metrics.include_empty_values)
    if (cfg.resource_utilization) add_resource_utilization(b, m);
    if (cfg.state_counters) add_state_counters(b, m);
    if (cfg.kernel_event_counters) add_kernel_counters(b, m);
    if (cfg.libbpf_stats) add_libbpf_stats(b, m);
    if (cfg.plugins_metrics) {  // the container plugin's, which the sensor has built in
        b.add("plugins", "plugins", "container.n_containers", false,
              static_cast<double>(m.containers));
        out.back().prom_name = "falcosecurity_plugins_container_n_containers_total";
    }
    return out;
}

nlohmann::json MetricsSnapshotter::snapshot(const MetricsSample& m, uint64_t now_ns) {
    ++samples_;
    nlohmann::json out = nlohmann::json::object();
    out["evt.time"] = now_ns;
    out["evt.source"] = "syscall";
    out["evt.hostname"] = host_name();
    out["falco.version"] = SENSOR_VERSION;
    out["falco.kernel_release"] = kernel_release();
    // The sensor's CO-RE probe takes the place of Falco's modern eBPF probe.
    out["scap.engine_name"] = "modern_bpf";
    for (const FalcoMetric& f : falco_metrics(m, cfg_)) {
        bool always = f.always || f.json_name == "scap.n_evts" || f.json_name == "scap.n_drops";
        if (f.value == 0 && !cfg_.include_empty_values && !always) continue;
        put_json(out, f, cfg_);
    }
    if (cfg_.rules_counters) {
        uint64_t total = 0;
        for (size_t i = 0; i < m.ruleset->rules.size() && i < m.loop->rule_matches.size(); ++i) {
            uint64_t n = m.loop->rule_matches[i];
            total += n;
            if (n == 0 && !cfg_.include_empty_values) continue;
            out["falco.rules." + sanitize_rule_name(m.ruleset->rules[i].name)] = n;
        }
        out["falco.rules.matches_total"] = total;
    }
    double dt_s = last_ts_ && now_ns > last_ts_ ? static_cast<double>(now_ns - last_ts_) / 1e9 : 0;
    add_rates(out, m, dt_s);
    last_ts_ = now_ns;
    return out;
}

void MetricsSnapshotter::add_rates(nlohmann::json& out, const MetricsSample& m, double dt_s) {
    const uint64_t num_evts = m.loop->events;
    if (last_num_evts_ != 0 && dt_s > 0)
        out["falco.evts_rate_sec"] = round1(static_cast<double>(num_evts - last_num_evts_) / dt_s);
    out["falco.num_evts"] = num_evts;
    out["falco.num_evts_prev"] = last_num_evts_;
    last_num_evts_ = num_evts;
    if (!cfg_.kernel_event_counters) return;
    const uint64_t n_evts = m.records + m.kernel_drops, n_drops = m.kernel_drops;
    out["scap.n_evts_prev"] = last_n_evts_;
    out["scap.evts_rate_sec"] =
        dt_s > 0 ? round1(static_cast<double>(n_evts - last_n_evts_) / dt_s) : 0.0;
    out["scap.n_drops_prev"] = last_n_drops_;
    out["scap.evts_drop_rate_sec"] =
        dt_s > 0 ? round1(static_cast<double>(n_drops - last_n_drops_) / dt_s) : 0.0;
    last_n_evts_ = n_evts;
    last_n_drops_ = n_drops;
}

std::string MetricsSnapshotter::file_line(const nlohmann::json& output_fields) const {
    nlohmann::json line;
    line["sample"] = samples_;
    line["output_fields"] = output_fields;
    return line.dump();
}

void render_falco_prometheus(const MetricsSample& m, const MetricsConfig& cfg, PromText& t) {
    static constexpr const char* kHelp = "https://falco.org/docs/metrics/";
    t.family("falcosecurity_falco_version_info", "gauge", kHelp);
    t.value("falcosecurity_falco_version_info", "version", SENSOR_VERSION, 1);
    t.family("falcosecurity_falco_kernel_release_info", "gauge", kHelp);
    t.value("falcosecurity_falco_kernel_release_info", "kernel_release", kernel_release(), 1);
    t.family("falcosecurity_evt_hostname_info", "gauge", kHelp);
    t.value("falcosecurity_evt_hostname_info", "hostname", host_name(), 1);
    t.family("falcosecurity_scap_engine_name_info", "gauge", kHelp);
    t.value("falcosecurity_scap_engine_name_info", "engine_name", "modern_bpf", 1);
    for (const FalcoMetric& f : falco_metrics(m, cfg)) {
        if (f.prom_name.empty()) continue;  // JSON only (Falco derives it in Prometheus)
        double v = f.unit == Unit::Percent ? f.value / 100.0 : f.value;
        std::string name = f.prom_name + (f.unit == Unit::Bytes ? "_bytes" : "");
        t.single(name.c_str(), f.counter ? "counter" : "gauge", kHelp, v);
    }
    if (!cfg.rules_counters) return;
    t.family("falcosecurity_falco_rules_matches_total", "counter", kHelp);
    for (size_t i = 0; i < m.ruleset->rules.size() && i < m.loop->rule_matches.size(); ++i) {
        const auto& r = m.ruleset->rules[i];
        if (m.loop->rule_matches[i] == 0 && !cfg.include_empty_values) continue;
        std::string labels = "priority=\"" + std::to_string(static_cast<int>(r.priority)) +
                             "\",rule_name=\"" + ops::prometheus_label(r.name) + "\",source=\"" +
                             ops::prometheus_label(r.source_name()) + "\"";
        t.raw_value("falcosecurity_falco_rules_matches_total", labels,
                    static_cast<double>(m.loop->rule_matches[i]));
    }
}

}  // namespace sensor::daemon
