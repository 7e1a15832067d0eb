#pragma once
#include <string>
#include <vector>

#include <functional>
#include <memory>

#include "commands.h"
#include "sensor/capture/fixture_events.h"
#include "sensor/engine/ruleset.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/output/alert_format.h"

namespace sensor::daemon {

// Runs k8s_audit rules over audit log files or directories ("-": stdin); alerts as JSON lines
// on stdout, decode problems and a summary on stderr. Returns the exit code.
int replay_audit(const std::vector<std::string>& paths, const engine::Ruleset& rules,
                 const output::AlertFormat& fmt);

// Every audit event in the files or directories ("-": stdin), in file order, through
// `decoder`; decode problems are reported on stderr once per cause. False with error when a
// file cannot be read.
bool for_each_audit_event(const std::vector<std::string>& paths, k8saudit::AuditDecoder& decoder,
                          std::string& error,
                          const std::function<void(const fields::Event&)>& each);

// Fixture events, audit logs and recorded alerts merged by event time, through the rules and
// the sequences: rule alerts and correlation alerts as JSON lines on stdout.
int replay_merged(const ReplayOptions& opts, std::shared_ptr<const engine::Ruleset> rules,
                  const capture::FixtureSet& fixtures, const output::AlertFormat& fmt);

}  // namespace sensor::daemon
