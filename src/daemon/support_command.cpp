// `sensor --support`: Falco's support bundle, one JSON document on stdout: the version, the
// system (uname), the command line, the configuration (the file's text, the -o overrides) and
// each rules file loaded with its content, in Falco's shape ("rules_files": [{"name", "variants":
// [{"content"}]}]) so tools that read Falco's read ours.
#include <sys/utsname.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "run_config.h"

namespace sensor::daemon {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

nlohmann::json system_info() {
    utsname u{};
    if (uname(&u) != 0) return {{"error", std::strerror(errno)}};
    return {{"sysname", u.sysname},
            {"nodename", u.nodename},
            {"release", u.release},
            {"version", u.version},
            {"machine", u.machine}};
}

}  // namespace

int print_support(const SupportOptions& o) {
    RunConfig cfg;
    std::string err;
    const std::string config_path = o.config_path.empty() ? default_config_path() : o.config_path;
    if (!config_path.empty() && !cfg.load_file(config_path, err)) {
        std::fprintf(stderr, "sensor: %s\n", err.c_str());
        return 2;
    }
    for (const auto& kv : o.overrides)
        if (!cfg.apply_override(kv, err)) {
            std::fprintf(stderr, "sensor: %s\n", err.c_str());
            return 2;
        }
    std::vector<std::string> rules = o.rules_files.empty() ? cfg.rules_files : o.rules_files;
    if (rules.empty()) rules.push_back(default_rules_path());
    const rules::LoadResult loaded = rules::load_rules_files(rules, cfg.output.load_options());
    nlohmann::json support;
    support["version"] = SENSOR_VERSION;
    support["engine_info"] = {{"engine_version", rules::engine_version()}};
    support["system_info"] = system_info();
    support["cmdline"] = o.cmdline;
    support["config_file"] = config_path;
    support["config"] = config_path.empty() ? std::string() : read_text(config_path);
    support["config_overrides"] = o.overrides;
    support["rules_valid"] = loaded.ok;
    support["rules_files"] = nlohmann::json::array();
    for (const auto& f : loaded.files)
        support["rules_files"].push_back(
            {{"name", f.path}, {"variants", {{{"content", read_text(f.path)}}}}});
    std::cout << support.dump() << "\n";
    return 0;
}

}  // namespace sensor::daemon
