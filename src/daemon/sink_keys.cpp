#include "sink_keys.h"

#include <charconv>

#include "sensor/rules/yaml_tree.h"

namespace sensor::daemon {
namespace {

KeyResult bad(const std::string& key, const std::string& value, const char* expect,
              std::string& error) {
    error = "config key '" + key + "' expects " + expect + ", got '" + value + "'";
    return KeyResult::bad;
}

KeyResult set_bool(bool& out, const std::string& key, const std::string& value,
                   std::string& error) {
    if (!rules::parse_yaml_bool(value, out)) return bad(key, value, "true or false", error);
    return KeyResult::ok;
}

}  // namespace

KeyResult set_http_output_key(HttpOutputConfig& c, const std::string& key, const std::string& value,
                              std::string& error) {
    const std::string prefix = "http_output.";
    if (key.rfind(prefix, 0) != 0) return KeyResult::not_mine;
    std::string k = key.substr(prefix.size());
    output::HttpOptions& o = c.options;
    if (k == "enabled") return set_bool(c.enabled, key, value, error);
    if (k == "keep_alive") return set_bool(o.keep_alive, key, value, error);
    if (k == "insecure") return set_bool(o.insecure, key, value, error);
    if (k == "mtls") return set_bool(o.mtls, key, value, error);
    if (k == "echo") return set_bool(o.echo, key, value, error);
    if (k == "compress_uploads") return set_bool(o.compress_uploads, key, value, error);
    if (k == "max_consecutive_timeouts") {
        uint32_t n = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || p != value.data() + value.size() || n > 255)
            return bad(key, value, "0 to 255", error);
        o.max_consecutive_timeouts = n;
        return KeyResult::ok;
    }
    std::string* text = k == "url"           ? &o.url
                        : k == "user_agent"  ? &o.user_agent
                        : k == "ca_cert"     ? &o.ca_cert
                        : k == "ca_bundle"   ? &o.ca_bundle
                        : k == "ca_path"     ? &o.ca_path
                        : k == "client_cert" ? &o.client_cert
                        : k == "client_key"  ? &o.client_key
                                             : nullptr;
    if (text) {
        *text = value;
        return KeyResult::ok;
    }
    if (k == "timeout_ms") {
        long n = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > 600000)
            return bad(key, value, "1 to 600000 (milliseconds)", error);
        o.timeout_ms = n;
        return KeyResult::ok;
    }
    error = "unknown config key '" + key + "'";
    return KeyResult::bad;
}

KeyResult set_program_output_key(ProgramOutputConfig& c, const std::string& key,
                                 const std::string& value, std::string& error) {
    const std::string prefix = "program_output.";
    if (key.rfind(prefix, 0) != 0) return KeyResult::not_mine;
    std::string k = key.substr(prefix.size());
    if (k == "enabled") return set_bool(c.enabled, key, value, error);
    if (k == "keep_alive") return set_bool(c.keep_alive, key, value, error);
    if (k == "program") {
        c.program = value;
        return KeyResult::ok;
    }
    error = "unknown config key '" + key + "'";
    return KeyResult::bad;
}

}  // namespace sensor::daemon
