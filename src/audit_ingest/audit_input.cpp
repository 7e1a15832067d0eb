#include "sensor/audit_ingest/audit_input.h"

#include "sensor/audit_ingest/file_inputs.h"
#include "sensor/audit_ingest/open_params.h"
#include "sensor/audit_ingest/webhook_input.h"

namespace sensor::audit_ingest {

std::unique_ptr<AuditInput> make_input(const InputConfig& cfg, std::string& error) {
    OpenParams params;
    if (!parse_open_params(cfg.open_params, params, error)) return nullptr;
    switch (params.kind) {
        case OpenParams::Kind::Webhook:
            return std::make_unique<WebhookInput>(cfg, params);
        case OpenParams::Kind::FollowFile:
            return std::make_unique<FollowFileInput>(cfg, params.path);
        case OpenParams::Kind::ReadOnce:
            return std::make_unique<ReadOnceInput>(cfg, params.path);
    }
    error = "k8s_audit open_params: unknown input";
    return nullptr;
}

}  // namespace sensor::audit_ingest
