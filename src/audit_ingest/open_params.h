#pragma once
// The k8saudit plugin's open_params: which input, and where.
#include <cstdint>
#include <string>

namespace sensor::audit_ingest {

struct OpenParams {
    enum class Kind { Webhook, FollowFile, ReadOnce };
    Kind kind = Kind::ReadOnce;
    bool tls = false;   // https://
    std::string host;   // webhook: empty = all interfaces; IPv6 without its brackets
    uint16_t port = 0;  // webhook
    std::string path;   // webhook: the handler's path ("/" when the URL has none); else the file
};

// http(s)://HOST:PORT[/PATH], file://PATH or a plain path; false with error when malformed.
bool parse_open_params(const std::string& text, OpenParams& out, std::string& error);

}  // namespace sensor::audit_ingest
