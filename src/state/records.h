#pragma once
// The state the sensor keeps about the node: users, groups, containers, threads and their
// processes, file descriptors. The state tables own these records; events borrow pointers to
// them (fields/event.h), and extractors read them directly, with no virtual calls.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/events/ip.h"

namespace sensor::state {

using events::IpAddr;
using events::IpNet;

struct UserInfo {
    uint32_t uid = 0;
    std::string name;
    std::string homedir;
    std::string shell;
};

struct GroupInfo {
    uint32_t gid = 0;
    std::string name;
};

// One mount of a container, as Falco's container.mount* fields show it.
struct ContainerMount {
    std::string source;       // host path
    std::string dest;         // path in the container
    std::string mode;         // empty from CRI (it has none)
    std::string propagation;  // "private", "rslave", "rshared" or "unknown"
    bool rdwr = false;
    std::string text;  // "source:dest:mode:rdwr:propagation", kept for container.mount[...]
};

// A container.mount*[PATTERN] lookup already done for a container: the index of the first
// mount whose source (or destination) matches, -1 for none.
struct MountMatch {
    std::string pattern;
    bool by_dest = false;
    int index = -1;
};

struct ContainerInfo {
    std::string id = "host";  // 12-char short id, or "host"
    std::string full_id = "host";
    std::string name;
    std::string type;  // containerd, cri-o, docker, podman ...
    std::string image;
    std::string image_repository;
    std::string image_tag;
    std::string image_digest;
    std::string image_id;
    int privileged = -1;    // -1 unknown, 0 false, 1 true
    uint64_t start_ts = 0;  // ns since epoch, 0 unknown
    std::map<std::string, std::string> labels;
    std::string mounts;  // Falco's rendering: "src:dst:mode:rdwr:propagation,..."
    std::vector<ContainerMount> mount_list;
    std::string ip;        // the pod's primary IP (container.ip, k8s.pod.ip)
    std::string cni_json;  // the pod's CNI result (container.cni.json, k8s.pod.cni.json)
    int8_t host_pid = -1, host_network = -1, host_ipc = -1;  // -1 unknown
    // Pattern lookups of container.mount*[PATTERN], cached on first use (container_mounts.h).
    mutable std::vector<MountMatch> mount_matches;
    std::string k8s_pod_name;
    std::string k8s_ns_name;
    std::string k8s_pod_uid;
    std::string k8s_pod_sandbox_id;  // full id
    std::map<std::string, std::string> k8s_pod_labels;
    // State-layer bookkeeping (not fields): where the runtime lookup stands, the thread whose
    // event first showed the container, and sweeps it has gone without a process.
    enum class Metadata : uint8_t { unrequested, requested, announced };
    Metadata metadata = Metadata::unrequested;
    int64_t first_tid = 0;
    uint8_t idle_sweeps = 0;
    bool is_host() const { return id == "host"; }
};

// One thread's view of its process (Falco's "thread info"). Derived strings (cmdline, args)
// are kept precomputed by the state layer so that extraction never builds strings.
struct ProcessInfo {
    int64_t tid = 0;
    int64_t pid = 0;   // thread group id
    int64_t ppid = 0;  // parent's pid
    int64_t sid = 0;
    int64_t vpgid = 0;
    int64_t vpid = 0;
    int64_t vtid = 0;
    std::string name;               // comm, or basename of exe for a fresh exec (proc.name)
    std::string exe;                // argv[0] (proc.exe)
    std::string exepath;            // full resolved executable path (proc.exepath)
    std::vector<std::string> argv;  // argv[1..]
    std::string args;               // argv[1..] joined by spaces (proc.args)
    std::string cmdline;            // name + " " + args (proc.cmdline)
    std::string cwd;                // with trailing '/', as Falco prints it
    std::vector<std::string> env;
    std::string env_joined;
    uint32_t uid = 0;
    uint32_t gid = 0;
    uint32_t loginuid = UINT32_MAX;  // -1 when unset
    uint32_t tty = 0;
    uint64_t cap_effective = 0;
    uint64_t cap_permitted = 0;
    uint64_t cap_inheritable = 0;
    uint64_t start_ts = 0;  // clone time, ns since epoch
    bool exe_writable = false;
    bool exe_upper_layer = false;
    bool exe_lower_layer = false;
    bool exe_from_memfd = false;
    uint64_t exe_ino = 0;
    uint64_t exe_ino_ctime = 0;
    uint64_t exe_ino_mtime = 0;
    uint64_t fdlimit = 0;
    uint64_t pidns_init_start_ts = 0;     // start of the pid namespace, ns since epoch; 0 unknown
    const ProcessInfo* parent = nullptr;  // ancestry; nullptr at the root
    const ContainerInfo* container = nullptr;
    const UserInfo* user = nullptr;
    const UserInfo* loginuser = nullptr;
    const GroupInfo* group = nullptr;

    // Refreshes args, cmdline and env_joined after argv/name/env change.
    void refresh_derived();
};

enum class FdType : uint8_t {
    Unknown,
    File,
    Directory,
    Ipv4,
    Ipv6,
    Unix,
    Pipe,
    Event,
    Signalfd,
    Eventpoll,
    Inotify,
    Timerfd,
    Netlink,
    Bpf,
    Userfaultfd,
    IoUring,
    Memfd,
    Pidfd,
};
std::string_view fd_type_name(FdType t);  // "file", "ipv4", ...
char fd_type_char(FdType t);              // 'f', '4', ...
std::optional<FdType> fd_type_from_name(std::string_view name);

enum class L4Proto : uint8_t { Unknown, Tcp, Udp, Icmp, Raw };
std::string_view l4proto_name(L4Proto p);
std::optional<L4Proto> l4proto_from_name(std::string_view name);

struct FdInfo {
    int64_t num = -1;
    FdType type = FdType::Unknown;
    std::string name;         // path, or "cip:cport->sip:sport" for connected sockets
    std::string nameraw;      // name as passed to the syscall, before resolution
    std::string directory;    // derived from name for files
    std::string filename;     // derived from name for files
    uint32_t open_flags = 0;  // O_* bits the fd was opened with
    bool name_changed = false;
    uint64_t dev = 0;
    uint64_t ino = 0;
    // fd.fspath where it differs from name: the path from the file's filesystem root, or the
    // path a rule names the file's inode by (empty: fd.fspath is name)
    std::string fspath;
    // sockets
    L4Proto l4proto = L4Proto::Unknown;
    IpAddr cip, sip;  // client/server (connect: local is client)
    uint16_t cport = 0, sport = 0;
    bool is_server = false;  // this end is the server (accepted socket)
    bool connected = false;
    std::string sockfamily;  // "ip", "unix"
    // Refreshes directory/filename from name for file-like fds.
    void refresh_derived();
    // name = the connection tuple, "cip:cport->sip:sport", as fd.name shows a socket.
    void name_by_tuple();
};

}  // namespace sensor::state
