#include "sensor/container/cri_metadata.h"

#include <nlohmann/json.hpp>

namespace sensor::container {

std::string short_image_id(std::string_view ref) {
    if (ref.rfind("sha256:", 0) == 0) ref.remove_prefix(7);
    if (ref.size() < 12) return "";
    for (char c : ref)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
    return std::string(ref.substr(0, 12));
}

std::string render_mounts(const std::vector<MountSpec>& mounts) {
    std::string out;
    for (const MountSpec& m : mounts) {
        if (!out.empty()) out += ',';
        out += m.host_path;
        out += ':';
        out += m.container_path;
        out += "::";
        out += m.readonly ? "false" : "true";
        out += ':';
        out += m.propagation == 2 ? "rshared" : m.propagation == 1 ? "rslave" : "private";
    }
    return out;
}

int privileged_from_info(std::string_view info_json) {
    auto j = nlohmann::json::parse(info_json, nullptr, false);
    if (!j.is_object()) return -1;
    if (auto it = j.find("privileged"); it != j.end() && it->is_boolean()) return it->get<bool>();
    const nlohmann::json* p = &j;
    for (const char* key : {"config", "linux", "security_context", "privileged"}) {
        if (!p->is_object()) return -1;
        auto it = p->find(key);
        if (it == p->end()) {
            // proto3 JSON leaves false booleans out: a present security context means false.
            return std::string_view(key) == "privileged" ? 0 : -1;
        }
        p = &*it;
    }
    return p->is_boolean() ? p->get<bool>() : -1;
}

}  // namespace sensor::container
