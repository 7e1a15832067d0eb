#pragma once
// Open file descriptors per process (thread group), kept by the capture layer from open,
// close, dup, socket, connect... and filled lazily from /proc/<pid>/fd for descriptors opened
// before the sensor started. Single writer: the event loop.
//
// Memory is bounded: at most max_fds_per_process entries per process (the oldest-numbered
// beyond it are not tracked) and freed nodes are recycled so open/close churn does not allocate.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sensor/state/records.h"

namespace sensor::state {

struct FdTableStats {
    uint64_t lazy_lookups = 0;  // descriptors read from /proc on first use
    uint64_t lazy_misses = 0;   // ... that /proc no longer had
    uint64_t over_limit = 0;    // descriptors not tracked because a process had too many
};

class FdTable {
  public:
    explicit FdTable(std::string proc_root = "/proc", size_t max_fds_per_process = 4096);

    // The entry for fd, or nullptr.
    state::FdInfo* find(int64_t pid, int64_t fd);
    const state::FdInfo* find(int64_t pid, int64_t fd) const;
    // Calls fn(const FdInfo&) for each fd of pid the table has (unordered).
    template <typename Fn>
    void for_each_fd(int64_t pid, Fn&& fn) const {
        auto it = procs_.find(pid);
        if (it == procs_.end()) return;
        for (const auto& [num, info] : it->second) fn(info);
    }
    // How many fds of pid the table has.
    size_t fd_count(int64_t pid) const;
    // find(), falling back to /proc/<pid>/fd/<fd> (and caching what it says).
    state::FdInfo* find_or_load(int64_t pid, int64_t fd);
    // A fresh entry for fd (replacing any); nullptr past the per-process limit.
    state::FdInfo* put(int64_t pid, int64_t fd);
    void close(int64_t pid, int64_t fd);
    // newfd becomes a copy of oldfd (which must be known), clearing close-on-exec.
    void dup(int64_t pid, int64_t oldfd, int64_t newfd);
    // A new process starts with a copy of its parent's descriptors.
    void fork(int64_t parent_pid, int64_t child_pid);
    // execve closes O_CLOEXEC descriptors.
    void exec(int64_t pid);
    void remove_process(int64_t pid);
    // Drops the tables of processes for which keep(pid) is false (processes whose exit was
    // never seen, e.g. lost to a full ring); returns how many were dropped.
    template <typename Keep>
    size_t retain_processes(Keep&& keep) {
        std::vector<int64_t> gone;
        for (const auto& [pid, fds] : procs_)
            if (!keep(pid)) gone.push_back(pid);
        for (int64_t pid : gone) remove_process(pid);
        return gone.size();
    }

    // Every tracked descriptor, as fn(pid, fd) (a capture file's state snapshot).
    template <typename Fn>
    void for_each(Fn&& fn) const {
        for (const auto& [pid, fds] : procs_)
            for (const auto& [num, fd] : fds) fn(pid, fd);
    }

    size_t process_count() const { return procs_.size(); }
    size_t fd_count() const;
    const FdTableStats& stats() const { return stats_; }

  private:
    using Fds = std::unordered_map<int64_t, state::FdInfo>;
    state::FdInfo* insert(Fds& fds, int64_t fd);
    void recycle(Fds& fds, Fds::iterator it);
    bool load_from_proc(int64_t pid, int64_t fd, state::FdInfo& out);

    std::string proc_root_;
    size_t max_fds_;
    std::unordered_map<int64_t, Fds> procs_;
    std::vector<Fds::node_type> spare_;
    std::string link_buf_;
    FdTableStats stats_;
};

// Classifies a /proc/<pid>/fd link target ("/etc/passwd", "socket:[123]", "pipe:[9]",
// "anon_inode:[eventfd]", "/memfd:x (deleted)") into fd's type and name.
void fd_from_proc_link(std::string_view link, state::FdInfo& fd);

}  // namespace sensor::state
