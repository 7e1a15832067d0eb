#include "sensor/capture/probe_config.h"

#include <algorithm>

#include "record.h"

namespace sensor::capture {

std::string_view compared_bytes(std::string_view pattern, bool suffix) {
    size_t n = std::min(pattern.size(), size_t{SENSOR_PATH_PATTERN_BYTES});
    return suffix ? pattern.substr(pattern.size() - n) : pattern.substr(0, n);
}

namespace {

bool atoms_match(std::string_view name, std::string_view nameraw,
                 const std::vector<std::string>& prefixes, const std::vector<std::string>& suffixes,
                 const std::vector<std::string>& name_contains,
                 const std::vector<std::string>& raw_contains) {
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

}  // namespace

bool OpenPathFilter::may_match(std::string_view name, std::string_view nameraw, bool writes) const {
    if (pass_all) return true;
    if (atoms_match(name, nameraw, prefixes, suffixes, name_contains, raw_contains)) return true;
    if (!writes) return false;
    return write_pass_all || atoms_match(name, nameraw, write_prefixes, write_suffixes,
                                         write_name_contains, write_raw_contains);
}

namespace {

// The write filter's part of describe().
std::string describe_writes(const OpenPathFilter& f) {
    if (f.write_pass_all)
        return "; opens that write, create or truncate are all sent (" + f.write_reason + ")";
    size_t more = f.write_prefixes.size() + f.write_suffixes.size() + f.write_name_contains.size() +
                  f.write_raw_contains.size();
    if (more == 0) return "";
    return "; opens that write, create or truncate also by " + std::to_string(more) +
           " more path patterns";
}

}  // namespace

std::string describe(const OpenPathFilter& f) {
    if (f.pass_all) return "open path filter off: " + f.reason;
    return "open path filter: opens are sent when the path starts with one of " +
           std::to_string(f.prefixes.size()) + " prefixes, ends with one of " +
           std::to_string(f.suffixes.size()) + " suffixes, contains one of " +
           std::to_string(f.name_contains.size()) + " strings, or was given containing one of " +
           std::to_string(f.raw_contains.size()) + " strings" + describe_writes(f);
}

std::string describe(const IdentitySet& s) {
    return "file identity: " + std::to_string(s.files.size()) +
           " files named by the rules are known by inode (" + std::to_string(s.not_found) +
           " named paths have no file, " + std::to_string(s.over_limit) + " over the limit of " +
           std::to_string(SENSOR_IDENTITY_MAX) + "); fd.fspath is " + (s.fspath ? "" : "not ") +
           "judged by the open filter";
}

}  // namespace sensor::capture
