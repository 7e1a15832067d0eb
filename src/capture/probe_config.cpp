#include "sensor/capture/probe_config.h"

#include <algorithm>

#include "record.h"

namespace sensor::capture {

std::string_view compared_bytes(std::string_view pattern, bool suffix) {
    size_t n = std::min(pattern.size(), size_t{SENSOR_PATH_PATTERN_BYTES});
    return suffix ? pattern.substr(pattern.size() - n) : pattern.substr(0, n);
}

bool OpenPathFilter::may_match(std::string_view name, std::string_view nameraw) const {
    if (pass_all) return true;
    for (const auto& p : prefixes)
        if (name.starts_with(p)) return true;
    for (const auto& s : suffixes)
        if (name.ends_with(s)) return true;
    for (const auto& n : name_contains)
        if (name.find(n) != std::string_view::npos) return true;
    for (const auto& r : raw_contains)
        if (nameraw.find(r) != std::string_view::npos) return true;
    return false;
}

std::string describe(const OpenPathFilter& f) {
    if (f.pass_all) return "open path filter off: " + f.reason;
    return "open path filter: opens are sent when the path starts with one of " +
           std::to_string(f.prefixes.size()) + " prefixes, ends with one of " +
           std::to_string(f.suffixes.size()) + " suffixes, contains one of " +
           std::to_string(f.name_contains.size()) + " strings, or was given containing one of " +
           std::to_string(f.raw_contains.size()) + " strings";
}

std::string describe(const IdentitySet& s) {
    return "file identity: " + std::to_string(s.files.size()) +
           " files named by the rules are known by inode (" + std::to_string(s.not_found) +
           " named paths have no file, " + std::to_string(s.over_limit) + " over the limit of " +
           std::to_string(SENSOR_IDENTITY_MAX) + "); fd.fspath is " + (s.fspath ? "" : "not ") +
           "judged by the open filter";
}

}  // namespace sensor::capture
