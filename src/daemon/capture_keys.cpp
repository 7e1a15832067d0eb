#include "capture_keys.h"

#include <charconv>

#include "sensor/rules/yaml_tree.h"

namespace sensor::daemon {
namespace {

bool parse_u64(const std::string& v, uint64_t& out) {
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && p == v.data() + v.size();
}

}  // namespace

KeyResult set_capture_file_key(CaptureFileConfig& c, const std::string& key,
                               const std::string& value, std::string& error) {
    auto bad = [&](const char* expect) {
        error = "config key '" + key + "' expects " + expect + ", got '" + value + "'";
        return KeyResult::bad;
    };
    uint64_t n = 0;
    if (key == "capture.enabled")
        return rules::parse_yaml_bool(value, c.enabled) ? KeyResult::ok : bad("true or false");
    if (key == "capture.path_prefix") {
        if (value.empty()) return bad("a path prefix");
        c.path_prefix = value;
        return KeyResult::ok;
    }
    if (key == "capture.mode") {
        if (value != "rules" && value != "all_rules") return bad("rules or all_rules");
        c.all_rules = value == "all_rules";
        return KeyResult::ok;
    }
    if (key == "capture.default_duration") {
        if (!parse_u64(value, n) || n == 0) return bad("a positive number of milliseconds");
        c.default_duration_ms = n;
        return KeyResult::ok;
    }
    if (key == "capture.max_file_size_mb") {
        if (!parse_u64(value, n) || n > (uint64_t{1} << 20)) return bad("0 (no limit) to 1048576");
        c.max_file_size_mb = n;
        return KeyResult::ok;
    }
    if (key == "capture.pre_match_bytes") {
        if (!parse_u64(value, n) || n > (uint64_t{1} << 30)) return bad("0 to 1073741824 bytes");
        c.pre_match_bytes = static_cast<uint32_t>(n);
        return KeyResult::ok;
    }
    return KeyResult::not_mine;
}

}  // namespace sensor::daemon
