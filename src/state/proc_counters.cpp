// Lazy procfs reads for fields. Fixed-size stack buffers: a field read allocates nothing (the
// output string's capacity is the caller's, reused across events).
#include "sensor/state/proc_counters.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>

namespace sensor::state {
namespace {

constexpr size_t kPathMax = 512;
constexpr size_t kFileMax = 8192;

// Reads a small procfs file into buf; the text's length, or -1.
ssize_t read_small(const char* path, char* buf, size_t cap) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t len = 0;
    while (len < cap) {
        ssize_t n = ::read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += static_cast<size_t>(n);
    }
    ::close(fd);
    return static_cast<ssize_t>(len);
}

// root/PID/leaf; leaf starts with '/'.
bool pid_path(char* out, const char* root, int64_t pid, const char* leaf) {
    if (!root || pid <= 0) return false;
    int n = std::snprintf(out, kPathMax, "%s/%lld%s", root, static_cast<long long>(pid), leaf);
    return n > 0 && static_cast<size_t>(n) < kPathMax;
}

uint64_t leading_number(std::string_view s) {
    size_t i = s.find_first_not_of(" \t");
    if (i == std::string_view::npos) return 0;
    uint64_t v = 0;
    std::from_chars(s.data() + i, s.data() + s.size(), v);
    return v;
}

std::string_view next_line(std::string_view& text) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    return line;
}

// The path of a subsystem in /proc/<pid>/cgroup ("N:ctrl,ctrl:/path"); a v2 hierarchy
// (hierarchy 0) gives the unified "0::/path".
bool cgroup_path(std::string_view pid_cgroup, std::string_view subsys, bool v2,
                 std::string_view& path) {
    while (!pid_cgroup.empty()) {
        std::string_view line = next_line(pid_cgroup);
        size_t c1 = line.find(':');
        size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        std::string_view ctrls = line.substr(c1 + 1, c2 - c1 - 1);
        if (v2 ? (ctrls.empty() && line.substr(0, c1) == "0") : false) {
            path = line.substr(c2 + 1);
            return true;
        }
        while (!v2 && !ctrls.empty()) {
            size_t comma = ctrls.find(',');
            if (ctrls.substr(0, comma) == subsys) {
                path = line.substr(c2 + 1);
                return true;
            }
            ctrls = comma == std::string_view::npos ? std::string_view() : ctrls.substr(comma + 1);
        }
    }
    return false;
}

}  // namespace

namespace detail {

bool parse_mem_counters(std::string_view status, MemCounters& out) {
    bool any = false;
    while (!status.empty()) {
        std::string_view line = next_line(status);
        uint64_t* dst = nullptr;
        if (line.substr(0, 7) == "VmSize:") dst = &out.vmsize_kb;
        if (line.substr(0, 6) == "VmRSS:") dst = &out.vmrss_kb;
        if (line.substr(0, 7) == "VmSwap:") dst = &out.vmswap_kb;
        if (!dst) continue;
        *dst = leading_number(line.substr(line.find(':') + 1));
        any = true;
    }
    return any;
}

bool parse_fault_counters(std::string_view stat, uint64_t& minflt, uint64_t& majflt) {
    size_t paren = stat.rfind(')');
    if (paren == std::string_view::npos) return false;
    std::string_view rest = stat.substr(paren + 1);
    // Fields after the comm: state(3) ppid pgrp session tty_nr tpgid flags minflt(10) cminflt
    // majflt(12).
    for (int field = 3; field <= 12; ++field) {
        size_t s = rest.find_first_not_of(' ');
        if (s == std::string_view::npos) return false;
        rest = rest.substr(s);
        size_t e = rest.find(' ');
        std::string_view tok = rest.substr(0, e);
        if (field == 10) minflt = leading_number(tok);
        if (field == 12) {
            majflt = leading_number(tok);
            return true;
        }
        if (e == std::string_view::npos) return false;
        rest = rest.substr(e);
    }
    return false;
}

bool render_cgroups(std::string_view proc_cgroups, std::string_view pid_cgroup,
                    std::string_view subsys, std::string& out) {
    bool any = false;
    while (!proc_cgroups.empty()) {
        std::string_view line = next_line(proc_cgroups);
        if (line.empty() || line[0] == '#') continue;
        // subsys_name hierarchy num_cgroups enabled
        size_t t1 = line.find('\t');
        std::string_view name = line.substr(0, t1);
        if (t1 == std::string_view::npos || (!subsys.empty() && name != subsys)) continue;
        std::string_view rest = line.substr(t1 + 1);
        if (rest.empty() || rest.back() != '1') continue;  // not enabled
        std::string_view path;
        if (!cgroup_path(pid_cgroup, name, leading_number(rest) == 0, path)) continue;
        if (!subsys.empty()) {
            out += path;
            return true;
        }
        if (any) out += ' ';
        out.append(name).append("=").append(path);
        any = true;
    }
    return any;
}

}  // namespace detail

bool read_mem_counters(const char* proc_root, int64_t pid, MemCounters& out) {
    char path[kPathMax];
    char buf[kFileMax];
    if (!pid_path(path, proc_root, pid, "/status")) return false;
    ssize_t n = read_small(path, buf, sizeof buf);
    return n > 0 && detail::parse_mem_counters({buf, static_cast<size_t>(n)}, out);
}

bool read_fault_counters(const char* proc_root, int64_t tid, uint64_t& minflt, uint64_t& majflt) {
    char path[kPathMax];
    char buf[kFileMax];
    if (!pid_path(path, proc_root, tid, "/stat")) return false;
    ssize_t n = read_small(path, buf, sizeof buf);
    return n > 0 && detail::parse_fault_counters({buf, static_cast<size_t>(n)}, minflt, majflt);
}

bool append_cgroups(const char* proc_root, int64_t tid, std::string_view subsys, std::string& out) {
    char path[kPathMax];
    char cgroups[kFileMax];
    char mine[kFileMax];
    if (!pid_path(path, proc_root, tid, "/cgroup")) return false;
    ssize_t n = read_small(path, mine, sizeof mine);
    if (n <= 0) return false;
    std::snprintf(path, sizeof path, "%s/cgroups", proc_root);
    ssize_t m = read_small(path, cgroups, sizeof cgroups);
    if (m <= 0) return false;
    return detail::render_cgroups({cgroups, static_cast<size_t>(m)}, {mine, static_cast<size_t>(n)},
                                  subsys, out);
}

int64_t count_open_fds(const char* proc_root, int64_t pid) {
    char path[kPathMax];
    if (!pid_path(path, proc_root, pid, "/fd")) return -1;
    int dir = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -1;
    alignas(8) char buf[kFileMax];
    int64_t count = 0;
    for (;;) {
        long n = ::syscall(SYS_getdents64, dir, buf, sizeof buf);
        if (n <= 0) break;
        for (long off = 0; off < n;) {
            auto* d = reinterpret_cast<struct dirent64*>(buf + off);
            if (d->d_name[0] != '.') ++count;
            off += d->d_reclen;
        }
    }
    ::close(dir);
    return count;
}

bool append_fd_link(const char* proc_root, int64_t pid, int64_t fd, std::string& out) {
    char path[kPathMax];
    char leaf[32];
    std::snprintf(leaf, sizeof leaf, "/fd/%lld", static_cast<long long>(fd));
    if (fd < 0 || !pid_path(path, proc_root, pid, leaf)) return false;
    char buf[4096];
    ssize_t n = ::readlink(path, buf, sizeof buf);
    if (n <= 0) return false;
    out.append(buf, static_cast<size_t>(n));
    return true;
}

}  // namespace sensor::state
