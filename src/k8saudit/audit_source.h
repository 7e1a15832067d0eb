#pragma once
// The k8s_audit event source: Kubernetes audit events with the fields of Falco's k8saudit
// plugin (ka.*), the json plugin (json.* / jevt.*) and the plugin sources' evt.* fields,
// plus the sensor's additions (docs/fields.md). Registering it also declares the plugins it
// stands in for (k8saudit and its aks/eks/gke/ovh variants, json), so rules files that require
// them load.
#include "sensor/fields/event_source.h"

namespace sensor::k8saudit {

inline constexpr std::string_view kSourceName = "k8s_audit";

// Registers the source on first use (idempotent, not thread-safe: call at start-up) and
// returns its id.
fields::SourceId k8s_audit_source();

}  // namespace sensor::k8saudit
