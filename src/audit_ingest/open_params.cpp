#include "sensor/audit_ingest/open_params.h"

#include <charconv>
#include <string_view>

namespace sensor::audit_ingest {
namespace {

// HOST:PORT with HOST possibly "[v6]" or empty.
bool split_authority(std::string_view auth, OpenParams& out, std::string& error) {
    std::string_view port;
    if (!auth.empty() && auth.front() == '[') {
        size_t close = auth.find(']');
        if (close == std::string_view::npos || close + 1 >= auth.size() || auth[close + 1] != ':') {
            error = "expected [IPv6]:PORT";
            return false;
        }
        out.host = std::string(auth.substr(1, close - 1));
        port = auth.substr(close + 2);
    } else {
        size_t colon = auth.rfind(':');
        if (colon == std::string_view::npos) {
            error = "no port (HOST:PORT; there is no default port, 9765 is the convention)";
            return false;
        }
        out.host = std::string(auth.substr(0, colon));
        if (out.host.find(':') != std::string::npos) {
            error = "an IPv6 host must be written in brackets: [::1]:PORT";
            return false;
        }
        port = auth.substr(colon + 1);
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
        error = "bad port '" + std::string(port) + "'";
        return false;
    }
    out.port = static_cast<uint16_t>(value);
    return true;
}

bool parse_webhook(std::string_view rest, OpenParams& out, std::string& error) {
    out.kind = OpenParams::Kind::Webhook;
    size_t slash = rest.find('/');
    std::string_view auth = rest.substr(0, slash);
    out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (out.path.find_first_of("?#") != std::string::npos) {
        error = "the webhook path takes no query or fragment";
        return false;
    }
    return split_authority(auth, out, error);
}

}  // namespace

bool parse_open_params(const std::string& text, OpenParams& out, std::string& error) {
    out = OpenParams{};
    std::string_view v = text;
    std::string why;
    if (v.starts_with("http://") || v.starts_with("https://")) {
        out.tls = v.starts_with("https://");
        if (!parse_webhook(v.substr(out.tls ? 8 : 7), out, why)) {
            error = "k8s_audit open_params '" + text + "': " + why;
            return false;
        }
        return true;
    }
    if (v.starts_with("file://")) {
        out.kind = OpenParams::Kind::FollowFile;
        out.path = std::string(v.substr(7));
    } else if (v.find("://") != std::string_view::npos) {
        error = "k8s_audit open_params '" + text + "': unknown scheme (http, https, file)";
        return false;
    } else {
        out.kind = OpenParams::Kind::ReadOnce;
        out.path = text;
    }
    if (out.path.empty()) {
        error = "k8s_audit open_params '" + text + "': no path";
        return false;
    }
    return true;
}

}  // namespace sensor::audit_ingest
