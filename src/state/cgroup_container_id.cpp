// Container ids from cgroup paths. Each runtime layout is a (prefix, suffix) pair around the id:
// the prefix is searched from the right, the id ends at the last suffix (or the end of the path),
// and it must be exactly 64 hex digits. Only the containerd "ctr" layout accepts other ids.
#include "sensor/state/cgroup_container_id.h"

namespace sensor::state {
namespace {

constexpr size_t kFullIdLen = 64;
constexpr size_t kShortIdLen = 12;

struct Layout {
    std::string_view prefix;
    std::string_view suffix;
    ContainerRuntime runtime;
};

// In the order Falco's matchers try them (podman, docker, cri); the first match wins. The cri
// matcher's own "/" and "/docker-...scope" layouts are unreachable behind docker's, so they are
// left out. The ctr layout (namespace-dependent) is handled separately, last.
constexpr Layout kLayouts[] = {
    {"/libpod-", ".scope", ContainerRuntime::Podman},
    {"/libpod-", ".scope/container", ContainerRuntime::Podman},
    {"/libpod-", "", ContainerRuntime::Podman},
    {"/libpod-payload-", ".scope", ContainerRuntime::Podman},
    {"/libpod-payload-", ".scope/container", ContainerRuntime::Podman},
    {"/libpod-payload-", "", ContainerRuntime::Podman},
    {"/", "", ContainerRuntime::Docker},
    {"/docker-", ".scope", ContainerRuntime::Docker},
    {"/crio-", "", ContainerRuntime::CriO},
    {"/cri-containerd-", ".scope", ContainerRuntime::Containerd},
    {"/crio-", ".scope", ContainerRuntime::CriO},
    {":cri-containerd:", "", ContainerRuntime::Containerd},  // containerd without systemd
    {"/nerdctl-", ".scope", ContainerRuntime::Containerd},
};

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_full_id(std::string_view id) {
    if (id.size() != kFullIdLen) return false;
    for (char c : id)
        if (!is_hex(c)) return false;
    return true;
}

// The id between the last `prefix` and the last `suffix` after it; false when the layout does
// not apply.
bool extract_between(std::string_view path, std::string_view prefix, std::string_view suffix,
                     std::string_view& id) {
    size_t p = path.rfind(prefix);
    if (p == std::string_view::npos) return false;
    size_t start = p + prefix.size();
    size_t end = path.size();
    if (!suffix.empty()) {
        end = path.rfind(suffix);
        if (end == std::string_view::npos || end < start) return false;
    }
    id = path.substr(start, end - start);
    return true;
}

bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A containerd namespace name: alphanumeric runs joined by single '.', '_' or '-'.
bool is_namespace_name(std::string_view s) {
    if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
    for (size_t i = 1; i < s.size(); ++i) {
        if (is_alnum(s[i])) continue;
        if (s[i] != '.' && s[i] != '_' && s[i] != '-') return false;
        if (!is_alnum(s[i - 1])) return false;  // separators never repeat
    }
    return true;
}

bool ends_with_unit_suffix(std::string_view s) {
    return s.ends_with(".service") || s.ends_with(".slice") || s.ends_with(".scope");
}

// Containers started with ctr live at /<namespace>/<id>; the namespace is the leftmost path
// segment that looks like a namespace name and is followed by another segment. Ids here may
// have any length, but systemd units (.service/.slice/.scope) are host cgroups, not ids. Unlike
// Falco we also reject ids containing '/', which are nested host cgroups such as
// /system.slice/foo.service/sub.
bool match_ctr(std::string_view path, std::string_view& id) {
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '/') continue;
        size_t next = path.find('/', i + 1);
        if (next == std::string_view::npos) return false;
        std::string_view ns = path.substr(i + 1, next - i - 1);
        if (!is_namespace_name(ns)) continue;
        std::string ns_prefix = "/";
        ns_prefix += ns;
        ns_prefix += '/';
        std::string_view candidate;
        if (!extract_between(path, ns_prefix, "", candidate)) return false;
        if (candidate.empty() || candidate.size() > kFullIdLen) return false;
        if (candidate.size() < kFullIdLen || !is_full_id(candidate)) {
            if (ends_with_unit_suffix(candidate)) return false;
            if (candidate.find('/') != std::string_view::npos) return false;
        }
        id = candidate;
        return true;
    }
    return false;
}

CgroupMatch make_match(std::string_view id, ContainerRuntime runtime) {
    CgroupMatch m;
    m.runtime = runtime;
    m.full_id = std::string(id);
    // container.id is the first 12 characters (ctr ids shorter than that stay whole).
    m.id = m.full_id.substr(0, kShortIdLen);
    return m;
}

}  // namespace

std::string_view runtime_name(ContainerRuntime r) {
    switch (r) {
        case ContainerRuntime::Docker:
            return "docker";
        case ContainerRuntime::Containerd:
            return "containerd";
        case ContainerRuntime::CriO:
            return "cri-o";
        case ContainerRuntime::Podman:
            return "podman";
        case ContainerRuntime::None:
            break;
    }
    return "";
}

CgroupMatch match_cgroup_path(std::string_view path) {
    std::string_view id;
    for (const Layout& l : kLayouts)
        if (extract_between(path, l.prefix, l.suffix, id) && is_full_id(id))
            return make_match(id, l.runtime);
    if (match_ctr(path, id)) return make_match(id, ContainerRuntime::Containerd);
    return {};
}

CgroupMatch match_proc_cgroup_file(std::string_view file) {
    CgroupMatch found;
    for_each_proc_cgroup_path(file, [&](std::string_view path) {
        if (found.is_host()) found = match_cgroup_path(path);
    });
    return found;
}

}  // namespace sensor::state
