#pragma once
// The thread table: one ProcessInfo per thread, keyed by tid, with ProcessInfo::parent linking
// every thread to its parent process's group leader. Bootstrapped from /proc, then kept current
// by the capture layer's clone/exec/exit calls. Single writer: the event loop owns the table.
//
// Lineage: a process's parent is the one that created it (or, while that parent lives, the
// kernel's parent at exec, for CLONE_PARENT). A process that exits while it has children is kept
// (its identity: name, exe, exepath, args, pids, start time, sid, vpgid) for as long as any
// descendant lives, so ancestry fields still name it after a double fork; at most max_kept such
// entries, the oldest evicted past that (counted). With max_kept 0, children are re-parented
// to the reaper on exit, as the kernel does and Falco shows.
//
// Pointer validity: a ProcessInfo* stays valid until that thread exits (or, for a kept exited
// process, until its last descendant goes) or is evicted.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sensor/state/records.h"

namespace sensor::state {

class ContainerTable;
class UserTable;

// What an execve tells us about the new program. Lists are NUL-separated, as the driver sends
// them, so the capture layer can pass its parameter bytes straight through.
struct ExecInfo {
    int64_t pid = 0;        // thread group id (equals tid after exec); used for unknown processes
    int64_t ptid = 0;       // parent; used only when the exec'ing thread was not in the table
    std::string_view name;  // new comm (proc.name)
    std::string_view exe;   // argv[0] (proc.exe)
    std::string_view exepath;  // resolved executable path (proc.exepath)
    std::string_view args;     // argv[1..], NUL-separated
    std::string_view cwd;      // "" keeps the current one; a trailing '/' is added
    bool has_env = false;
    std::string_view env;      // NUL-separated, when has_env
    std::string_view cgroups;  // the driver's cgroups parameter; "" keeps the container
    bool has_creds = false;
    uint32_t uid = 0, gid = 0, loginuid = UINT32_MAX;
    bool has_caps = false;
    uint64_t cap_effective = 0, cap_permitted = 0, cap_inheritable = 0;
};

struct ProcessTableStats {
    uint64_t inserts = 0;
    uint64_t exits = 0;
    uint64_t evictions = 0;         // entries dropped to respect max_entries
    uint64_t unknown_parent = 0;    // clones/execs of threads whose parent was not in the table
    uint64_t missing_exit_tid = 0;  // exits of threads not in the table
    uint64_t kept_exited = 0;       // exited processes kept for their descendants
    uint64_t kept_evictions = 0;    // kept exited processes dropped to respect max_kept
};

// Exited processes kept for their descendants, by default.
inline constexpr size_t kDefaultMaxKeptExited = 16384;

class ProcessTable {
  public:
    // users may be null (user/group pointers then stay null). max_entries bounds the table;
    // beyond it the least recently active entries are evicted. max_kept bounds the exited
    // processes kept for their descendants (0: none are kept).
    ProcessTable(ContainerTable& containers, const UserTable* users, size_t max_entries = 262144,
                 size_t max_kept = kDefaultMaxKeptExited);
    const UserTable* users() const { return users_; }
    ~ProcessTable();
    ProcessTable(const ProcessTable&) = delete;
    ProcessTable& operator=(const ProcessTable&) = delete;

    const state::ProcessInfo* find(int64_t tid) const;
    state::ProcessInfo* find_mut(int64_t tid);
    // The thread group leader of pid (the entry whose tid is pid), if known.
    const state::ProcessInfo* leader(int64_t pid) const { return find(pid); }
    // Live threads of the group whose leader is pid (0 when the leader is unknown).
    uint32_t thread_count(int64_t pid) const;
    size_t size() const { return map_.size(); }
    size_t max_entries() const { return max_entries_; }
    // Exited processes kept for their descendants (not counted in size()).
    size_t kept_size() const { return kept_.size(); }
    size_t max_kept() const { return max_kept_; }
    // Whether p is an exited process kept for its descendants.
    bool is_kept(const state::ProcessInfo* p) const;
    // The leader of p's session (the process whose pid is p's sid) and of p's process group
    // (whose vpid is p's vpgid), found by id among live and kept exited processes; the ids of
    // a session or group cannot be reused while it has members. For a process in another pid
    // namespace the group leader is the ancestor with that vpid. nullptr when unknown.
    const state::ProcessInfo* session_leader(const state::ProcessInfo& p) const;
    const state::ProcessInfo* group_leader(const state::ProcessInfo& p) const;
    const ProcessTableStats& stats() const { return stats_; }

    template <typename Fn>
    void for_each(Fn&& fn) const {
        for (const auto& [tid, e] : map_) fn(e.info);
    }

    // --- per-event mutations (capture layer) ---

    // A new thread or process. The child copies the parent's state; its parent is the
    // parent's group leader for a process, or the parent's own parent for a thread (threads
    // share their group's parent). An existing entry for child_tid (a missed exit) is replaced.
    // vtid/vpid of 0 mean unknown: they are then derived when the parent is in the host pid
    // namespace. Returns the child's entry.
    state::ProcessInfo* on_clone(int64_t parent_tid, int64_t child_tid, int64_t child_pid,
                                 bool is_thread, uint64_t ts = 0, int64_t vtid = 0,
                                 int64_t vpid = 0);
    // The thread tid ran execve. Unknown threads are created (parented from info.ptid).
    state::ProcessInfo* on_exec(int64_t tid, const ExecInfo& info);
    // The thread tid exited. A group leader whose other threads still run stays (as a zombie
    // does) so that the group keeps its process-level state. When a process is gone its
    // children move to reaper_tid if given and known, else to the nearest ancestor that is a
    // pid-namespace init (vpid 1), else to tid 1. Returns false if tid was unknown.
    bool on_exit(int64_t tid, int64_t reaper_tid = 0);
    // setsid: tid's process leads a new session and process group.
    void on_setsid(int64_t tid);
    // setpgid(target, vpgid) by tid, the ids as the caller's pid namespace has them (0: self,
    // and the target's own id).
    void on_setpgid(int64_t tid, int64_t target, int64_t vpgid);
    // setuid/setgid family: new effective ids, with user/group pointers re-resolved.
    void set_credentials(int64_t tid, uint32_t uid, uint32_t gid);
    // Marks tid as recently active so eviction prefers idle entries.
    void touch(int64_t tid);

    // --- bootstrap support (see proc_scan.h) ---

    // Inserts or replaces tid with an unlinked entry; call link_parents() when done.
    state::ProcessInfo* insert(int64_t tid);
    // Links every entry's parent from its ppid, recounts thread groups, then evicts down to
    // max_entries.
    void link_parents();
    // Points user, group and loginuser at the user table's entries for the current ids.
    void resolve_identity(state::ProcessInfo& p) const;
    // Re-resolves identities of all entries (call after UserTable::refresh() returned true).
    void relink_users();
    void clear();

    ContainerTable& containers() { return containers_; }

  private:
    struct Entry {
        state::ProcessInfo info;
        Entry* parent = nullptr;  // mirrors info.parent
        Entry* first_child = nullptr;
        Entry* next_sibling = nullptr;
        Entry* prev_sibling = nullptr;
        Entry* lru_prev = nullptr;
        Entry* lru_next = nullptr;
        uint32_t live_threads = 0;  // leaders: live threads of the group, the leader included
        bool exited = false;        // leader gone while other threads of its group live on
        bool kept = false;          // exited, kept for its descendants (in kept_, not map_)
    };
    using Map = std::unordered_map<int64_t, Entry>;
    // Kept exited processes by pid; a pid may come back while its old owner is still kept.
    // Its nodes are Map's (node handles move between the two without allocating).
    using KeptMap = std::unordered_multimap<int64_t, Entry>;

    Entry* find_entry(int64_t tid);
    const Entry* find_entry(int64_t tid) const;
    Entry* new_entry(int64_t tid, const state::ProcessInfo* copy_from);
    void set_parent(Entry& e, Entry* parent);
    void detach_from_parent(Entry& e);
    Entry* unlink_from_parent(Entry& e);
    void retire(Entry& e, int64_t reaper_tid);
    void keep(Entry& e);
    void release_unused_kept(Entry* e);
    void evict_kept();
    void kept_unlink(Entry& e);
    void drop_kept();
    Map::node_type extract_kept(Entry& e);
    void recycle(Map::node_type node);
    const Entry* find_leader(int64_t id, int64_t ProcessInfo::*own) const;
    Entry* pick_reaper(Entry& dying, int64_t reaper_tid);
    void remove(Entry& e, int64_t reaper_tid);
    void lru_unlink(Entry& e);
    void lru_push_back(Entry& e);
    void enforce_bound();
    void apply_exec(Entry& e, const ExecInfo& info);

    ContainerTable& containers_;
    const UserTable* users_;
    size_t max_entries_;
    size_t max_kept_;
    Map map_;
    KeptMap kept_;
    Entry* kept_head_ = nullptr;  // oldest kept exited process (list through lru_prev/next)
    Entry* kept_tail_ = nullptr;
    std::vector<Map::node_type> spare_;  // recycled nodes: clone/exit churn allocates nothing
    Entry* lru_head_ = nullptr;          // least recently active
    Entry* lru_tail_ = nullptr;
    ProcessTableStats stats_;
};

}  // namespace sensor::state
