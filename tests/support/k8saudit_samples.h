#pragma once
// The k8s audit samples (../shared/k8saudit-samples) and the detections their README expects,
// read from the README's table so the expectations live in one place. Used by the replay
// scenario test and the live webhook test.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace sensor::k8saudit_test {

inline const std::string kSamplesDir = std::string(SENSOR_SHARED_DIR) + "/k8saudit-samples";
inline const std::string kUpstreamRules =
    std::string(SENSOR_SHARED_DIR) + "/rules/k8s_audit_rules.yaml";

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct SampleCase {
    std::string file;
    std::vector<std::string> overrides;  // names, as the README lists them
    bool alone = false;                  // json_pointer_rule(alone): instead of upstream rules
    std::string rule;                    // expected rule ("" when none is expected)
    int count = 0;                       // expected times it fires
    bool asserted = true;                // false: legacy `detect: False`, not asserted upstream
                                         // (we check it too: nothing fires)
    bool expect_nothing = false;         // "no detections"
};

// The overrides of the README, as rules file text.
inline std::string override_yaml(const std::string& name) {
    static const std::map<std::string, std::string> kOverrides = {
        {"allow_namespace_foo", "- list: allowed_namespaces\n  items: [foo]\n  append: true\n"},
        {"allow_user_some-user",
         "- list: allowed_k8s_users\n  items: [some-user]\n  append: true\n"},
        {"disallow_kactivity",
         "- macro: consider_activity_events\n  condition: (not jevt.rawtime exists)\n"},
        {"allow_only_apache",
         "- macro: allowed_k8s_containers\n"
         "  condition: (ka.req.pod.containers.image.repository in (apache))\n"},
        {"allow_nginx",
         "- macro: allowed_k8s_containers\n"
         "  condition: (ka.req.pod.containers.image.repository in (nginx))\n"},
        {"trust_nginx",
         "- list: k8s_audit_sensitive_mount_images\n  items: [nginx]\n  append: true\n"
         "- list: k8s_audit_privileged_images\n  items: [nginx]\n  append: true\n"
         "- list: k8s_audit_hostnetwork_images\n  items: [nginx]\n  append: true\n"},
        {"json_pointer_rule(alone)",
         "- rule: json_pointer_example\n  desc: json pointer example\n"
         "  condition: jevt.value[/annotations/authorization.k8s.io~1decision] exists and not "
         "(jevt.value[/a~1~0b] exists)\n"
         "  output: \"Test json pointer: "
         "%jevt.value[/annotations/authorization.k8s.io~1decision]\"\n"
         "  priority: WARNING\n  source: k8s_audit\n"},
    };
    auto it = kOverrides.find(name);
    return it == kOverrides.end() ? std::string() : it->second;
}

// The README's table rows.
inline std::vector<SampleCase> sample_cases() {
    std::vector<SampleCase> out;
    std::istringstream in(read_text(kSamplesDir + "/README.md"));
    static const std::regex row(R"(^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|\s*$)");
    static const std::regex times(R"(^(.+) ×([0-9]+)$)");
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_match(line, m, row)) continue;
        SampleCase c;
        c.file = m[1];
        std::string ov = m[2], exp = m[3];
        while (!exp.empty() && exp.back() == ' ') exp.pop_back();
        std::istringstream ovs(ov);
        for (std::string name; std::getline(ovs, name, ',');) {
            name.erase(0, name.find_first_not_of(' '));
            name.erase(name.find_last_not_of(' ') + 1);
            if (name == "—" || name.empty()) continue;
            if (name == "json_pointer_rule(alone)") c.alone = true;
            c.overrides.push_back(name);
        }
        std::smatch t;
        if (std::regex_match(exp, t, times)) {
            c.rule = t[1];
            c.count = std::stoi(t[2]);
        } else if (exp == "no detections") {
            c.expect_nothing = true;
        } else {
            c.asserted = exp.rfind("no detection;", 0) == 0;  // the malformed input: nothing
            c.expect_nothing = true;
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace sensor::k8saudit_test
