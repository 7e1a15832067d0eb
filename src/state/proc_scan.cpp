// The /proc walk. Process-wide files (exe, cmdline, cwd, environ, cgroup) are read once per
// process; threads copy their leader and re-read only what is per thread (comm, stat,
// status, loginuid). A process that exits mid-scan makes its files vanish with ENOENT or ESRCH:
// that is skipped silently; anything else is counted as an error.
#include "sensor/state/proc_scan.h"

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "file_io.h"
#include "proc_parse.h"
#include "sensor/state/container_table.h"
#include "sensor/state/process_table.h"

namespace sensor::state {
namespace {

bool parse_pid(const char* name, int64_t& pid) {
    std::string_view s(name);
    if (s.empty() || s[0] < '1' || s[0] > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
    return ec == std::errc() && p == s.data() + s.size();
}

void split_nul(std::string_view text, std::vector<std::string>& out) {
    out.clear();
    while (!text.empty()) {
        size_t nul = text.find('\0');
        out.emplace_back(text.substr(0, nul));
        text = nul == std::string_view::npos ? std::string_view{} : text.substr(nul + 1);
    }
}

class Scanner {
  public:
    Scanner(ProcessTable& table, const ProcScanOptions& opts) : table_(table), opts_(opts) {
        hz_ = opts.clock_ticks ? opts.clock_ticks : static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
        std::string text;
        if (detail::read_file(opts.proc_root + "/stat", text) != 0 ||
            !detail::parse_btime(text, btime_s_))
            error(opts.proc_root + "/stat",
                  0);  // start times will be relative to the epoch, i.e. wrong
    }

    ProcScanStats run() {
        table_.clear();
        DIR* dir = ::opendir(opts_.proc_root.c_str());
        if (!dir) {
            error(opts_.proc_root, errno);
            return stats_;
        }
        while (dirent* d = ::readdir(dir)) {
            int64_t pid = 0;
            if (parse_pid(d->d_name, pid)) scan_process(pid);
        }
        ::closedir(dir);
        table_.link_parents();
        return stats_;
    }

  private:
    void error(const std::string& path, int err) {
        if (stats_.errors++ == 0)
            stats_.first_error = path + ": " + (err > 0 ? std::strerror(err) : "unparsable");
    }

    // Records an optional file's failure; true when the read succeeded.
    bool optional_ok(const std::string& path, int err) {
        if (err != 0 && !detail::is_vanished_errno(err)) error(path, err);
        return err == 0;
    }

    // comm, stat, status and loginuid of one thread directory. False when the thread is gone
    // or unreadable (it is then left out).
    bool read_thread(const std::string& dir, state::ProcessInfo& p) {
        std::string file = dir + "/comm";
        int err = detail::read_file(file, buf_);
        if (err == 0) {
            if (!buf_.empty() && buf_.back() == '\n') buf_.pop_back();
            p.name = buf_;
            err = detail::read_file(file = dir + "/stat", buf_);
        }
        detail::StatFields st;
        if (err == 0 && !detail::parse_stat(buf_, st)) err = -1;
        if (err == 0) err = detail::read_file(file = dir + "/status", buf_);
        detail::StatusFields status;
        if (err == 0 && !detail::parse_status(buf_, status)) err = -1;
        if (err != 0) {
            if (detail::is_vanished_errno(err))
                ++stats_.vanished;
            else
                error(file, err);
            return false;
        }
        p.tid = status.tid >= 0 ? status.tid : p.tid;
        p.pid = status.tgid;
        p.ppid = status.ppid >= 0 ? status.ppid : st.ppid;
        p.uid = status.uid;
        p.gid = status.gid;
        p.cap_effective = status.cap_effective;
        p.cap_permitted = status.cap_permitted;
        p.cap_inheritable = status.cap_inheritable;
        p.vtid = status.vtid >= 0 ? status.vtid : p.tid;
        p.vpid = status.vpid >= 0 ? status.vpid : p.pid;
        p.vpgid = status.vpgid >= 0 ? status.vpgid : st.pgrp;
        p.sid = st.session;
        p.tty = st.tty_nr;
        p.start_ts = detail::boot_ticks_to_epoch_ns(btime_s_, st.start_ticks, hz_);

        p.loginuid = UINT32_MAX;
        file = dir + "/loginuid";
        if (optional_ok(file, detail::read_file(file, buf_))) {
            uint32_t v = 0;
            auto [ptr, ec] = std::from_chars(buf_.data(), buf_.data() + buf_.size(), v);
            if (ec == std::errc())
                p.loginuid = v;
            else
                error(file, 0);
        }
        table_.resolve_identity(p);
        return true;
    }

    // exe, cmdline, cwd, environ and cgroup: shared by every thread of the process.
    void read_process(const std::string& dir, state::ProcessInfo& p) {
        p.exepath.clear();
        std::string file = dir + "/exe";
        if (optional_ok(file, detail::read_link(file, link_))) p.exepath = link_;

        p.exe.clear();
        p.argv.clear();
        file = dir + "/cmdline";
        if (optional_ok(file, detail::read_file(file, buf_, opts_.cmdline_cap))) {
            split_nul(buf_, p.argv);
            if (!p.argv.empty()) {
                p.exe = std::move(p.argv.front());
                p.argv.erase(p.argv.begin());
            }
        }
        // Kernel threads and zombies have no command line; their comm stands in for argv[0].
        if (p.exe.empty() && p.argv.empty()) p.exe = p.name;

        p.cwd.clear();
        file = dir + "/cwd";
        if (optional_ok(file, detail::read_link(file, link_))) {
            p.cwd = link_;
            if (p.cwd.empty() || p.cwd.back() != '/') p.cwd += '/';
        }

        p.env.clear();
        file = dir + "/environ";
        if (opts_.environ && optional_ok(file, detail::read_file(file, buf_, opts_.environ_cap))) {
            // A variable cut by the cap would be a lie; drop it.
            if (buf_.size() >= opts_.environ_cap && !buf_.empty() && buf_.back() != '\0') {
                size_t last = buf_.rfind('\0');
                buf_.resize(last == std::string::npos ? 0 : last);
            }
            split_nul(buf_, p.env);
        }

        p.container = table_.containers().host();
        file = dir + "/cgroup";
        if (optional_ok(file, detail::read_file(file, buf_)))
            p.container = table_.containers().from_proc_cgroup_file(buf_);
    }

    void scan_process(int64_t pid) {
        std::string dir = opts_.proc_root + "/" + std::to_string(pid);
        state::ProcessInfo leader;
        leader.tid = pid;
        if (!read_thread(dir, leader)) return;
        read_process(dir, leader);
        leader.refresh_derived();
        *table_.insert(pid) = leader;
        ++stats_.processes;
        if (opts_.threads) scan_threads(dir, pid, leader);
    }

    void scan_threads(const std::string& dir, int64_t pid, const state::ProcessInfo& leader) {
        std::string task_dir = dir + "/task";
        DIR* d = ::opendir(task_dir.c_str());
        if (!d) {
            optional_ok(task_dir, errno);
            return;
        }
        while (dirent* e = ::readdir(d)) {
            int64_t tid = 0;
            if (!parse_pid(e->d_name, tid) || tid == pid) continue;
            state::ProcessInfo t = leader;
            t.tid = tid;
            if (!read_thread(task_dir + "/" + e->d_name, t)) continue;
            t.refresh_derived();
            *table_.insert(tid) = std::move(t);
            ++stats_.threads;
        }
        ::closedir(d);
    }

    ProcessTable& table_;
    const ProcScanOptions& opts_;
    ProcScanStats stats_;
    uint64_t hz_ = 100;
    uint64_t btime_s_ = 0;
    std::string buf_, link_;
};

}  // namespace

ProcScanStats bootstrap_from_proc(ProcessTable& table, const ProcScanOptions& options) {
    return Scanner(table, options).run();
}

bool read_thread_from_proc(const std::string& proc_root, int64_t pid, int64_t tid,
                           ThreadSnapshot& out) {
    std::string base = proc_root + "/" + std::to_string(pid);
    std::string task = base + "/task/" + std::to_string(tid);
    detail::read_file(task + "/comm", out.comm, 64);
    while (!out.comm.empty() && out.comm.back() == '\n') out.comm.pop_back();
    detail::read_file(base + "/cmdline", out.cmdline, 64 * 1024);
    detail::read_link(base + "/exe", out.exepath);
    detail::read_link(base + "/cwd", out.cwd);
    std::string status;
    detail::read_file(task + "/status", status);
    detail::StatusFields st;
    out.has_status = detail::parse_status(status, st);
    if (out.has_status) {
        out.ppid = st.ppid;
        out.uid = st.uid;
        out.gid = st.gid;
        out.cap_effective = st.cap_effective;
        out.cap_permitted = st.cap_permitted;
        out.cap_inheritable = st.cap_inheritable;
    }
    detail::read_file(base + "/cgroup", out.cgroup);
    return out.has_status;
}

ExecInfo ThreadSnapshot::exec_info(int64_t pid) const {
    std::string_view argv(cmdline);
    while (!argv.empty() && argv.back() == '\0') argv.remove_suffix(1);
    size_t nul = argv.find('\0');
    ExecInfo info;
    info.pid = pid;
    info.ptid = has_status ? ppid : 0;
    info.name = comm;
    info.exe = argv.substr(0, nul);
    info.args = nul == std::string_view::npos ? std::string_view{} : argv.substr(nul + 1);
    info.exepath = exepath;
    info.cwd = cwd;
    if (has_status) {
        info.has_creds = true;
        info.uid = uid;
        info.gid = gid;
        info.has_caps = true;
        info.cap_effective = cap_effective;
        info.cap_permitted = cap_permitted;
        info.cap_inheritable = cap_inheritable;
    }
    return info;
}

bool read_proc_cgroup(const std::string& proc_root, int64_t pid, std::string& out) {
    return detail::read_file(proc_root + "/" + std::to_string(pid) + "/cgroup", out) == 0;
}

}  // namespace sensor::state
