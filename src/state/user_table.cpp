// passwd/group parsing and change detection.
#include "sensor/state/user_table.h"

#include <sys/stat.h>

#include <charconv>

#include "file_io.h"

namespace sensor::state {
namespace {

constexpr uint64_t kCheckIntervalNs = 1'000'000'000;

// Splits a colon-separated line into at most N fields; returns how many were found.
template <size_t N>
size_t split_colons(std::string_view line, std::string_view (&out)[N]) {
    size_t n = 0;
    while (n < N) {
        size_t c = line.find(':');
        out[n++] = line.substr(0, c);
        if (c == std::string_view::npos) break;
        line.remove_prefix(c + 1);
    }
    return n;
}

bool parse_id(std::string_view s, uint32_t& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// Calls fn(line) for each line that can hold an entry: not blank, not a comment, not a NIS
// compat "+"/"-" line.
template <typename Fn>
void for_each_entry_line(std::string_view text, Fn&& fn) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
        fn(line);
    }
}

std::string join_root(std::string_view root, std::string_view path) {
    while (!root.empty() && root.back() == '/') root.remove_suffix(1);
    return std::string(root) + std::string(path);
}

}  // namespace

UserTable::UserTable(std::string passwd_path, std::string group_path)
    : passwd_path_(std::move(passwd_path)), group_path_(std::move(group_path)) {
    reload();
}

UserTable UserTable::under_root(std::string_view root) {
    return UserTable(join_root(root, "/etc/passwd"), join_root(root, "/etc/group"));
}

const state::UserInfo* UserTable::user(uint32_t uid) const {
    auto it = users_.find(uid);
    return it != users_.end() && it->second.present ? &it->second.info : nullptr;
}

const state::GroupInfo* UserTable::group(uint32_t gid) const {
    auto it = groups_.find(gid);
    return it != groups_.end() && it->second.present ? &it->second.info : nullptr;
}

UserTable::FileStamp UserTable::stamp_of(const std::string& path) {
    struct stat st {};
    FileStamp s;
    if (::stat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = static_cast<uint64_t>(st.st_size);
    s.mtime_ns = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000ULL +
                 static_cast<uint64_t>(st.st_mtim.tv_nsec);
    return s;
}

void UserTable::reload() {
    load_passwd();
    load_group();
    ++reloads_;
}

bool UserTable::refresh(uint64_t now_ns) {
    if (now_ns < next_check_ns_) return false;
    next_check_ns_ = now_ns + kCheckIntervalNs;
    bool changed = false;
    if (stamp_of(passwd_path_) != passwd_stamp_) changed |= load_passwd();
    if (stamp_of(group_path_) != group_stamp_) changed |= load_group();
    if (changed) ++reloads_;
    return changed;
}

// A file that cannot be read keeps the previous contents: a non-atomic rewrite of /etc/passwd
// must not make every user unknown for a second.
bool UserTable::load_passwd() {
    FileStamp stamp = stamp_of(passwd_path_);
    std::string text;
    if (detail::read_file(passwd_path_, text) != 0) {
        ++read_errors_;
        passwd_stamp_ = stamp;
        return false;
    }
    passwd_stamp_ = stamp;
    for (auto& [uid, e] : users_) e.present = false;
    for_each_entry_line(text, [&](std::string_view line) {
        std::string_view f[7];
        size_t n = split_colons(line, f);
        uint32_t uid = 0;
        if (n < 4 || f[0].empty() || !parse_id(f[2], uid)) return;
        auto& e = users_[uid];
        if (e.present) return;  // the first line for an id wins, as with getpwuid
        e.present = true;
        e.info.uid = uid;
        e.info.name.assign(f[0]);
        e.info.homedir.assign(n > 5 ? f[5] : std::string_view{});
        e.info.shell.assign(n > 6 ? f[6] : std::string_view{});
    });
    return true;
}

bool UserTable::load_group() {
    FileStamp stamp = stamp_of(group_path_);
    std::string text;
    if (detail::read_file(group_path_, text) != 0) {
        ++read_errors_;
        group_stamp_ = stamp;
        return false;
    }
    group_stamp_ = stamp;
    for (auto& [gid, e] : groups_) e.present = false;
    for_each_entry_line(text, [&](std::string_view line) {
        std::string_view f[4];
        size_t n = split_colons(line, f);
        uint32_t gid = 0;
        if (n < 3 || f[0].empty() || !parse_id(f[2], gid)) return;
        auto& e = groups_[gid];
        if (e.present) return;
        e.present = true;
        e.info.gid = gid;
        e.info.name.assign(f[0]);
    });
    return true;
}

}  // namespace sensor::state
