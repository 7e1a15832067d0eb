#pragma once
// falco.yaml's `rules:` selection: an ordered list of `enable` / `disable` steps, each naming
// rules by name (with `*` wildcards) or by tag, applied to the loaded set after the files
// (so a tuning file need not edit the rules). Text form, for `-o rules=...`:
//   "disable rule=*; enable tag=network; enable rule=Read sensitive file untrusted"
#include <string>
#include <vector>

#include "sensor/engine/ruleset.h"

namespace sensor::rules {

struct RuleSelector {
    bool enable = true;
    bool by_tag = false;
    std::string pattern;  // rule name pattern (`*` matches any run of characters) or a tag
};

// Parses the text form; false with error naming the bad step.
bool parse_rule_selectors(const std::string& text, std::vector<RuleSelector>& out,
                          std::string& error);
std::string to_text(const RuleSelector& s);

// Applies the steps in order and rebuilds the ruleset's index. Returns, per step, how many
// rules it matched (a step that matches none is worth a warning).
std::vector<size_t> apply_rule_selectors(engine::Ruleset& rs,
                                         const std::vector<RuleSelector>& steps);

// Glob match with `*` only (Falco's rule selection wildcards).
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace sensor::rules
