#include "run_environment.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <syslog.h>

#include <fstream>

namespace sensor::daemon {
namespace {

// Effective capabilities of this process, from /proc/self/status.
uint64_t effective_caps() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
    return 0;
}

}  // namespace

std::string privilege_problem() {
    constexpr int kSysAdmin = 21, kPerfmon = 38, kBpf = 39;
    uint64_t caps = effective_caps();
    auto has = [&](int c) { return (caps >> c) & 1; };
    if (has(kSysAdmin) || (has(kBpf) && has(kPerfmon))) return {};
    std::string missing;
    if (!has(kBpf)) missing += "CAP_BPF";
    if (!has(kPerfmon)) missing += std::string(missing.empty() ? "" : " and ") + "CAP_PERFMON";
    return "sensor run needs root, or the capabilities CAP_BPF and CAP_PERFMON (missing: " +
           missing + ")";
}

void setup_logging(const LogConfig& log) {
    std::vector<spdlog::sink_ptr> sinks;
    if (log.to_stderr) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    // Our log lines, not the alerts, to the local syslog (ident "sensor", daemon facility).
    if (log.to_syslog)
        sinks.push_back(
            std::make_shared<spdlog::sinks::syslog_sink_mt>("sensor", LOG_PID, LOG_DAEMON, false));
    auto logger = std::make_shared<spdlog::logger>("sensor", sinks.begin(), sinks.end());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z sensor[%P] %l: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog_level(log.level));
    spdlog::flush_on(spdlog::level::info);
}

uint64_t peak_rss_kb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<uint64_t>(ru.ru_maxrss);
}

}  // namespace sensor::daemon
