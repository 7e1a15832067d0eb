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

const char* propagation_name(int propagation) {
    switch (propagation) {
        case 0:
            return "private";
        case 1:
            return "rslave";
        case 2:
            return "rshared";
    }
    return "unknown";
}

std::string cni_json_from_sandbox_info(std::string_view info_json) {
    constexpr size_t kMaxCniJson = 4096;
    auto j = nlohmann::json::parse(info_json, nullptr, false);
    if (!j.is_object()) return "";
    std::string out;
    auto cni = j.find("cniResult");
    if (cni != j.end() && cni->is_object() && cni->contains("Interfaces") &&
        (*cni)["Interfaces"].is_object()) {
        // Only what incident response needs: the pod's own interfaces and their addresses.
        nlohmann::json ifaces = nlohmann::json::object();
        for (const auto& [name, conf] : (*cni)["Interfaces"].items()) {
            if (name == "lo" || name.starts_with("veth")) continue;
            nlohmann::json c = conf;
            if (c.is_object()) {
                c.erase("Mac");
                c.erase("Sandbox");
            }
            ifaces[name] = std::move(c);
        }
        out = ifaces.dump();
    } else if (auto spec = j.find("runtimeSpec"); spec != j.end() && spec->is_object()) {
        auto ann = spec->find("annotations");
        if (ann != spec->end() && ann->is_object()) {
            auto r = ann->find("io.kubernetes.cri-o.CNIResult");
            if (r != ann->end() && r->is_string()) out = r->get<std::string>();
        }
    }
    if (out.size() > kMaxCniJson) out.resize(kMaxCniJson);
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
