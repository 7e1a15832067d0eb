#include "alert_intake.h"

#include <nlohmann/json.hpp>

#include "sensor/k8saudit/rfc3339.h"

namespace sensor::daemon {
namespace {

bool alert_from(const nlohmann::json& j, correlate::ReceivedAlert& out,
                const std::string& fallback_ref = "") {
    if (!j.is_object() || !j.contains("rule") || !j["rule"].is_string()) return false;
    auto ts = k8saudit::parse_rfc3339_ns(j.value("time", ""));
    if (!ts) return false;
    out = {};
    out.rule = j["rule"].get<std::string>();
    out.priority = j.value("priority", "");
    out.ts = *ts;
    if (auto f = j.find("output_fields"); f != j.end() && f->is_object())
        for (const auto& [k, v] : f->items())
            if (!v.is_null()) out.fields[k] = v.is_string() ? v.get<std::string>() : v.dump();
    out.ref = "alert " + j.value("uuid", fallback_ref.empty()
                                             ? j.value("hostname", "?") + " " + j.value("time", "")
                                             : fallback_ref);
    return true;
}

}  // namespace

bool parse_alert_json(const std::string& text, correlate::ReceivedAlert& out,
                      const std::string& fallback_ref) {
    return alert_from(nlohmann::json::parse(text, nullptr, false), out, fallback_ref);
}

std::unique_ptr<AlertIntake> AlertIntake::start(const AlertIntakeConfig& cfg, std::string& error) {
    audit_ingest::InputConfig in;
    std::string host = cfg.listen_address.find(':') != std::string::npos
                           ? "[" + cfg.listen_address + "]"
                           : cfg.listen_address;
    in.open_params = std::string(cfg.ssl_enabled ? "https://" : "http://") + host + ":" +
                     std::to_string(cfg.listen_port) + cfg.path;
    if (cfg.ssl_enabled) in.ssl_certificate = cfg.ssl_certificate;
    in.ssl_client_ca = cfg.ssl_client_ca;
    in.bearer_token_file = cfg.bearer_token_file;
    in.webhook_max_batch_size = cfg.max_body_size;
    in.rate_limit_rps = cfg.rate_limit_rps;
    in.queue_payloads = 256;
    auto input = audit_ingest::make_input(in, error);
    if (!input || !input->start(error)) return nullptr;
    auto intake = std::unique_ptr<AlertIntake>(new AlertIntake);
    intake->input_ = std::move(input);
    return intake;
}

void AlertIntake::for_each_alert(
    const std::string& body,
    const std::function<void(const correlate::ReceivedAlert&, const std::string&)>& cb) {
    correlate::ReceivedAlert a;
    auto one = [&](const nlohmann::json& j) {
        if (alert_from(j, a))
            cb(a, j.dump());
        else
            ++malformed_;
    };
    auto whole = nlohmann::json::parse(body, nullptr, false);
    if (whole.is_array()) {
        for (const auto& j : whole) one(j);
        return;
    }
    if (!whole.is_discarded()) {
        one(whole);
        return;
    }
    size_t start = 0;  // JSON lines
    while (start < body.size()) {
        size_t nl = body.find('\n', start);
        std::string line = body.substr(start, nl == std::string::npos ? nl : nl - start);
        start = nl == std::string::npos ? body.size() : nl + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        one(nlohmann::json::parse(line, nullptr, false));
    }
}

}  // namespace sensor::daemon
