#pragma once
// Managed clusters push their audit logs in their own envelopes; these turn one (already
// parsed) body into audit.k8s.io/v1 Event JSON texts for the decoder (K8SAUDIT.md, section 4):
//  - GKE: a Pub/Sub push message whose base64 `data` is a Cloud Logging LogEntry holding a
//    k8s.io AuditLog. The apiserver's Event is not available there, so one is rebuilt the
//    way Falco's k8saudit-gke does (verb from methodName, objectRef from resourceName, an
//    inferred responseStatus...).
//  - AKS: a diagnostic-settings body ({"records":[...]}), whose kube-audit and
//    kube-audit-admin records carry the original Event as a string in properties.log.
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace sensor::k8saudit {

enum class CloudShape { None, GkePubSub, AksRecords };

// None: not a cloud envelope (events and error untouched). Otherwise the Events found are
// appended to `events`, and `error` says what was malformed (other records still count). A
// Pub/Sub message whose LogEntry is not a k8s.io AuditLog of a k8s_cluster is skipped: no
// event, no error.
CloudShape convert_cloud_payload(simdjson::dom::element root, std::vector<std::string>& events,
                                 std::string& error);

// The Event rebuilt from a GKE LogEntry; false with error when it is not a k8s.io AuditLog
// of a k8s_cluster (error "skipped: ...") or lacks what the Event needs.
bool gke_log_entry_to_event(simdjson::dom::element entry, std::string& event, std::string& error);

// Standard or URL-safe base64, padding optional; false on any other character.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace sensor::k8saudit
