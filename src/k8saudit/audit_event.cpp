#include "sensor/k8saudit/audit_event.h"

namespace sensor::k8saudit {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Top::kCount)> kTopKeys = {
    "auditID",          "stage",          "verb",        "requestURI", "user",
    "impersonatedUser", "sourceIPs",      "userAgent",   "objectRef",  "responseStatus",
    "requestObject",    "responseObject", "annotations", "level"};

}  // namespace

std::string_view top_key(Top t) {
    return kTopKeys[static_cast<size_t>(t)];
}

Top top_slot(std::string_view key) {
    for (size_t i = 0; i < kTopKeys.size(); ++i)
        if (kTopKeys[i] == key) return static_cast<Top>(i);
    return Top::kCount;
}

void AuditEvent::index_members() {
    present = 0;
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return;
    for (auto field : obj) {
        Top t = top_slot(field.key);
        if (t == Top::kCount) continue;
        top[static_cast<size_t>(t)] = field.value;
        present |= 1u << static_cast<unsigned>(t);
    }
}

}  // namespace sensor::k8saudit
