#pragma once
#include <memory>
#include <vector>

#include "collector.h"
#include "sensor/engine/ruleset.h"
#include "sensor/rules/loader.h"

namespace sensor::rules {

// Throws LoadError at the first error; appends warnings.
std::shared_ptr<engine::Ruleset> compile_rules(Collector& collector, const LoadOptions& opts,
                                               std::vector<Diagnostic>& warnings);

}  // namespace sensor::rules
