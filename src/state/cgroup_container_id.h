#pragma once
// container.id from cgroup paths: the layouts container runtimes give their cgroups (docker,
// containerd via CRI or ctr, CRI-O, podman, nerdctl), matched in the same order and with the
// same acceptance rules Falco's container plugin uses, so the ids agree with Falco's.
#include <cstdint>
#include <string>
#include <string_view>

namespace sensor::state {

// Which runtime's layout matched. It is a guess from the path alone: a bare 64-hex id under
// /kubepods/... is claimed by the docker layout first (as in Falco) even on a containerd node.
enum class ContainerRuntime : uint8_t { None, Docker, Containerd, CriO, Podman };
std::string_view runtime_name(ContainerRuntime r);  // "docker", "containerd", "cri-o", "podman"

struct CgroupMatch {
    ContainerRuntime runtime = ContainerRuntime::None;
    std::string id;       // 12-char short id for a 64-hex id, else the id as found; "" on host
    std::string full_id;  // the whole id; "" on host
    bool is_host() const { return runtime == ContainerRuntime::None; }
};

// Matches one cgroup path ("/docker/<id>", "/system.slice/docker-<id>.scope", ...).
CgroupMatch match_cgroup_path(std::string_view path);

// Calls fn(path) for each hierarchy line of a /proc/<pid>/cgroup file, cgroup v1
// ("4:memory:/docker/<id>") and v2 ("0::/system.slice/..."). The path may contain ':'.
template <typename Fn>
void for_each_proc_cgroup_path(std::string_view file, Fn&& fn) {
    while (!file.empty()) {
        size_t nl = file.find('\n');
        std::string_view line = file.substr(0, nl);
        file = nl == std::string_view::npos ? std::string_view{} : file.substr(nl + 1);
        size_t c1 = line.find(':');
        if (c1 == std::string_view::npos) continue;
        size_t c2 = line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        fn(line.substr(c2 + 1));
    }
}

// Calls fn(path) for each entry of the driver's "cgroups" parameter: NUL-separated
// "subsys=/path" strings.
template <typename Fn>
void for_each_param_cgroup_path(std::string_view list, Fn&& fn) {
    while (!list.empty()) {
        size_t nul = list.find('\0');
        std::string_view item = list.substr(0, nul);
        list = nul == std::string_view::npos ? std::string_view{} : list.substr(nul + 1);
        size_t eq = item.find('=');
        if (eq != std::string_view::npos) fn(item.substr(eq + 1));
    }
}

// Matches every path of a /proc/<pid>/cgroup file; the first container match wins (a process
// may sit in a container cgroup in one hierarchy and at "/" in others).
CgroupMatch match_proc_cgroup_file(std::string_view file);

}  // namespace sensor::state
