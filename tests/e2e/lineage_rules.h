#pragma once
// A LiveSuite config: the upstream stable rules and our default rules together, with the
// lineage and fd fields appended to every syscall alert (append_output), so tests can check
// fields a rule's own output does not print.
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace sensor::testing {

struct StableAndDefaultRules {
    static const char* name() { return "stable-default"; }
    static std::vector<std::string> args() {
        // In the suite's own directory (LiveSuite makes it before, and removes it after).
        std::string config =
            "/tmp/sensor-e2e-" + std::to_string(getpid()) + "-" + name() + "/append.yaml";
        std::ofstream(config) << "json_output: true\n"
                                 "append_output:\n"
                                 "  - match:\n"
                                 "      source: syscall\n"
                                 "    extra_fields:\n"
                                 "      - proc.pid\n"
                                 "      - fd.num\n"
                                 "      - proc.vpgid.name\n"
                                 "      - proc.sid.exe\n"
                                 "      - \"proc.aname[2]\"\n"
                                 "      - proc.pexepath\n";
        return {"-c", config,
                "-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r", std::string(SENSOR_SOURCE_DIR) + "/rules",
                "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

}  // namespace sensor::testing
