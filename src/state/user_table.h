#pragma once
// Users and groups by id, from passwd and group files (/etc/passwd, or below a host root such
// as /host for a sensor running in a DaemonSet). Reloaded when a file changes.
//
// Pointers returned by user()/group() stay valid for the table's lifetime: a reload updates
// entries in place and an id that disappears from the file is only hidden from lookups, so
// ProcessInfo::user never dangles.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sensor/state/records.h"

namespace sensor::state {

class UserTable {
  public:
    UserTable(std::string passwd_path, std::string group_path);
    // "/etc/passwd" and "/etc/group" below root ("" or "/" for the sensor's own root).
    static UserTable under_root(std::string_view root);

    // nullptr for an id the file does not list (Falco then shows the field as missing).
    const state::UserInfo* user(uint32_t uid) const;
    const state::GroupInfo* group(uint32_t gid) const;

    // For the event loop: at most once per second (of now_ns, a monotonic clock) stats both
    // files and reloads the ones whose inode, size or mtime changed. Returns true on a reload.
    bool refresh(uint64_t now_ns);
    // Reads both files unconditionally.
    void reload();

    uint64_t reloads() const { return reloads_; }
    uint64_t read_errors() const { return read_errors_; }  // files missing or unreadable

  private:
    struct FileStamp {
        uint64_t dev = 0, ino = 0, size = 0, mtime_ns = 0;
        bool exists = false;
        bool operator==(const FileStamp&) const = default;
    };
    template <typename T>
    struct Entry {
        T info;
        bool present = false;
    };

    static FileStamp stamp_of(const std::string& path);
    bool load_passwd();
    bool load_group();

    std::string passwd_path_, group_path_;
    FileStamp passwd_stamp_, group_stamp_;
    std::unordered_map<uint32_t, Entry<state::UserInfo>> users_;
    std::unordered_map<uint32_t, Entry<state::GroupInfo>> groups_;
    uint64_t next_check_ns_ = 0;
    uint64_t reloads_ = 0;
    uint64_t read_errors_ = 0;
};

}  // namespace sensor::state
