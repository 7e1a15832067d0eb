#include "sensor/state/fd_table.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>

#include "sensor/events/open_flags.h"

namespace sensor::state {
namespace {
constexpr size_t kMaxSpare = 4096;
}

void fd_from_proc_link(std::string_view link, state::FdInfo& fd) {
    using state::FdType;
    auto starts = [&](std::string_view p) { return link.substr(0, p.size()) == p; };
    fd.name.assign(link);
    if (starts("/memfd:")) {
        fd.type = FdType::Memfd;
        // "/memfd:NAME (deleted)" -> "memfd:NAME", as the memfd_create event names it
        std::string_view n = link.substr(1);
        if (n.size() > 10 && n.substr(n.size() - 10) == " (deleted)") n.remove_suffix(10);
        fd.name.assign(n);
    } else if (starts("/")) {
        fd.type = FdType::File;
    } else if (starts("socket:")) {
        fd.type = FdType::Unknown;  // family unknown until the socket is used
    } else if (starts("pipe:")) {
        fd.type = FdType::Pipe;
    } else if (link == "anon_inode:[eventfd]") {
        fd.type = FdType::Event;
    } else if (link == "anon_inode:[signalfd]") {
        fd.type = FdType::Signalfd;
    } else if (link == "anon_inode:[eventpoll]") {
        fd.type = FdType::Eventpoll;
    } else if (link == "anon_inode:inotify") {
        fd.type = FdType::Inotify;
    } else if (link == "anon_inode:[timerfd]") {
        fd.type = FdType::Timerfd;
    } else if (starts("anon_inode:bpf")) {
        fd.type = FdType::Bpf;
    } else if (link == "anon_inode:[userfaultfd]") {
        fd.type = FdType::Userfaultfd;
    } else if (link == "anon_inode:[io_uring]") {
        fd.type = FdType::IoUring;
    } else if (link == "anon_inode:[pidfd]") {
        fd.type = FdType::Pidfd;
    } else {
        fd.type = FdType::Unknown;
    }
    fd.nameraw = fd.name;
    fd.refresh_derived();
}

FdTable::FdTable(std::string proc_root, size_t max_fds_per_process)
    : proc_root_(std::move(proc_root)), max_fds_(max_fds_per_process) {
    spare_.reserve(kMaxSpare);
    link_buf_.resize(PATH_MAX);
}

state::FdInfo* FdTable::find(int64_t pid, int64_t fd) {
    auto p = procs_.find(pid);
    if (p == procs_.end()) return nullptr;
    auto it = p->second.find(fd);
    return it == p->second.end() ? nullptr : &it->second;
}

const state::FdInfo* FdTable::find(int64_t pid, int64_t fd) const {
    auto p = procs_.find(pid);
    if (p == procs_.end()) return nullptr;
    auto it = p->second.find(fd);
    return it == p->second.end() ? nullptr : &it->second;
}

state::FdInfo* FdTable::find_or_load(int64_t pid, int64_t fd) {
    if (fd < 0) return nullptr;
    if (auto* f = find(pid, fd)) return f;
    state::FdInfo* f = put(pid, fd);
    if (!f) return nullptr;
    ++stats_.lazy_lookups;
    if (!load_from_proc(pid, fd, *f)) {
        ++stats_.lazy_misses;
        close(pid, fd);
        return nullptr;
    }
    return f;
}

bool FdTable::load_from_proc(int64_t pid, int64_t fd, state::FdInfo& out) {
    std::string path = proc_root_ + "/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(path.c_str(), link_buf_.data(), link_buf_.size());
    if (n <= 0) return false;
    fd_from_proc_link(std::string_view(link_buf_.data(), static_cast<size_t>(n)), out);
    // The link text cannot tell a directory from a file; the inode can.
    struct stat st {};
    if (out.type == state::FdType::File && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        out.type = state::FdType::Directory;
        out.refresh_derived();
    }
    return true;
}

state::FdInfo* FdTable::insert(Fds& fds, int64_t fd) {
    auto it = fds.find(fd);
    if (it != fds.end()) {
        state::FdInfo& f = it->second;
        f.num = fd;
        f.type = state::FdType::Unknown;
        f.name.clear();
        f.nameraw.clear();
        f.fspath.clear();
        f.directory.clear();
        f.filename.clear();
        f.open_flags = 0;
        f.name_changed = false;
        f.dev = f.ino = 0;
        f.l4proto = state::L4Proto::Unknown;
        f.cip = f.sip = state::IpAddr{};
        f.cport = f.sport = 0;
        f.is_server = f.connected = false;
        f.sockfamily.clear();
        return &f;
    }
    if (fds.size() >= max_fds_) {
        ++stats_.over_limit;
        return nullptr;
    }
    if (!spare_.empty()) {
        auto node = std::move(spare_.back());
        spare_.pop_back();
        node.key() = fd;
        fds.insert(std::move(node));
        return insert(fds, fd);  // finds the recycled entry and resets it
    }
    auto [pos, ok] = fds.try_emplace(fd);
    pos->second.num = fd;
    return &pos->second;
}

state::FdInfo* FdTable::put(int64_t pid, int64_t fd) {
    if (fd < 0) return nullptr;
    return insert(procs_[pid], fd);
}

void FdTable::recycle(Fds& fds, Fds::iterator it) {
    auto node = fds.extract(it);
    if (spare_.size() < kMaxSpare) spare_.push_back(std::move(node));
}

void FdTable::close(int64_t pid, int64_t fd) {
    auto p = procs_.find(pid);
    if (p == procs_.end()) return;
    auto it = p->second.find(fd);
    if (it != p->second.end()) recycle(p->second, it);
}

void FdTable::dup(int64_t pid, int64_t oldfd, int64_t newfd) {
    if (oldfd == newfd) return;
    state::FdInfo* src = find_or_load(pid, oldfd);
    if (!src) {
        close(pid, newfd);
        return;
    }
    state::FdInfo copy = *src;
    state::FdInfo* dst = put(pid, newfd);
    if (!dst) return;
    *dst = std::move(copy);
    dst->num = newfd;
    dst->open_flags &= ~events::oflags::kCloExec;
}

void FdTable::fork(int64_t parent_pid, int64_t child_pid) {
    auto p = procs_.find(parent_pid);
    if (p == procs_.end()) {
        remove_process(child_pid);
        return;
    }
    Fds copy = p->second;
    procs_[child_pid] = std::move(copy);
}

void FdTable::exec(int64_t pid) {
    auto p = procs_.find(pid);
    if (p == procs_.end()) return;
    for (auto it = p->second.begin(); it != p->second.end();) {
        auto next = std::next(it);
        if (it->second.open_flags & events::oflags::kCloExec) recycle(p->second, it);
        it = next;
    }
}

void FdTable::remove_process(int64_t pid) {
    auto p = procs_.find(pid);
    if (p == procs_.end()) return;
    while (!p->second.empty() && spare_.size() < kMaxSpare) recycle(p->second, p->second.begin());
    procs_.erase(p);
}

size_t FdTable::fd_count() const {
    size_t n = 0;
    for (const auto& [pid, fds] : procs_) n += fds.size();
    return n;
}

size_t FdTable::fd_count(int64_t pid) const {
    auto p = procs_.find(pid);
    return p == procs_.end() ? 0 : p->second.size();
}

}  // namespace sensor::state
