#include "sensor/rules/rule_selection.h"

#include <algorithm>

namespace sensor::rules {
namespace {

std::string trim(std::string s) {
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

bool wildcard_match(std::string_view p, std::string_view t) {
    size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
    while (ti < t.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ti;
        } else if (pi < p.size() && p[pi] == t[ti]) {
            ++pi;
            ++ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ti = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

bool parse_rule_selectors(const std::string& text, std::vector<RuleSelector>& out,
                          std::string& error) {
    out.clear();
    size_t start = 0;
    while (start <= text.size()) {
        size_t semi = text.find(';', start);
        std::string step =
            trim(text.substr(start, semi == std::string::npos ? semi : semi - start));
        start = semi == std::string::npos ? text.size() + 1 : semi + 1;
        if (step.empty()) continue;
        RuleSelector s;
        size_t sp = step.find(' ');
        std::string verb = step.substr(0, sp);
        std::string rest = sp == std::string::npos ? "" : trim(step.substr(sp + 1));
        size_t eq = rest.find('=');
        std::string what = trim(rest.substr(0, eq));
        if ((verb != "enable" && verb != "disable") || eq == std::string::npos ||
            (what != "rule" && what != "tag")) {
            error = "rules selection step '" + step +
                    "' must be 'enable|disable rule=NAME' or 'enable|disable tag=TAG'";
            return false;
        }
        s.enable = verb == "enable";
        s.by_tag = what == "tag";
        s.pattern = trim(rest.substr(eq + 1));
        if (s.pattern.empty()) {
            error = "rules selection step '" + step + "' names nothing";
            return false;
        }
        out.push_back(s);
    }
    return true;
}

std::string to_text(const RuleSelector& s) {
    return std::string(s.enable ? "enable " : "disable ") + (s.by_tag ? "tag=" : "rule=") +
           s.pattern;
}

std::vector<size_t> apply_rule_selectors(engine::Ruleset& rs,
                                         const std::vector<RuleSelector>& steps) {
    std::vector<size_t> matched;
    for (const RuleSelector& s : steps) {
        size_t n = 0;
        for (auto& r : rs.rules) {
            bool hit = s.by_tag ? std::find(r.tags.begin(), r.tags.end(), s.pattern) != r.tags.end()
                                : wildcard_match(s.pattern, r.name);
            if (!hit) continue;
            r.enabled = s.enable;
            ++n;
        }
        matched.push_back(n);
    }
    if (!steps.empty()) rs.build_index();
    return matched;
}

}  // namespace sensor::rules
