#pragma once
// Text-level steps Falco applies to conditions before parsing: list substitution and the
// conversion of rule exceptions into condition fragments.
#include <string>
#include <vector>

#include "collector.h"

namespace sensor::rules {

// Quotes an item containing a space unless it already starts with a quote (Falco's quote_item).
std::string quote_item(const std::string& item);

// Replaces every delimited occurrence of `name` in `cond` by the comma-joined items. Returns
// true when something was replaced.
bool substitute_list(std::string& cond, const std::string& name,
                     const std::vector<std::string>& items);

// Lists' items after one level of list-in-list expansion (only lists defined earlier count).
void expand_nested_lists(std::vector<ListDef>& lists,
                         std::vector<std::vector<std::string>>& expanded);

// The ` and not (...)` fragments for a rule's exceptions; throws LoadError on invalid ones.
// `valid_comps` are the operators accepted in `comps`.
std::string exceptions_condition(const RuleDef& rule);

}  // namespace sensor::rules
