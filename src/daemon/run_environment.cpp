#include "run_environment.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

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

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("sensor");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z sensor[%P] %l: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(level == "debug"     ? spdlog::level::debug
                      : level == "warning" ? spdlog::level::warn
                      : level == "error"   ? spdlog::level::err
                                           : spdlog::level::info);
    spdlog::flush_on(spdlog::level::info);
}

uint64_t peak_rss_kb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<uint64_t>(ru.ru_maxrss);
}

}  // namespace sensor::daemon
