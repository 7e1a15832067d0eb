#include "sensor/audit_ingest/audit_input.h"

namespace sensor::audit_ingest {

// Placeholder until the inputs land (issue 21 in progress).
std::unique_ptr<AuditInput> make_input(const InputConfig& cfg, std::string& error) {
    error = "k8s_audit inputs are not built yet: " + cfg.open_params;
    return nullptr;
}

}  // namespace sensor::audit_ingest
