// Thread table: storage, ancestry links, clone/exec/exit, eviction.
//
// Entries live in an unordered_map (nodes never move, so ProcessInfo pointers are stable) and
// exited nodes are kept in a small spare list and reused, so the clone/exit churn of a busy
// host does not allocate. Each entry keeps an intrusive list of the entries whose parent it is,
// which makes re-parenting on exit proportional to the number of children, not the table.
#include "sensor/state/process_table.h"

#include <algorithm>

#include "sensor/state/container_table.h"
#include "sensor/state/user_table.h"

namespace sensor::state {
namespace {

constexpr size_t kMaxSpareNodes = 1024;
// Bounds ancestry walks; a real chain is a few dozen deep.
constexpr int kMaxWalk = 4096;

// Splits a NUL-separated list into out, reusing out's strings' storage.
void assign_nul_list(std::string_view list, std::vector<std::string>& out) {
    size_t n = 0;
    while (!list.empty()) {
        size_t nul = list.find('\0');
        std::string_view item = list.substr(0, nul);
        list = nul == std::string_view::npos ? std::string_view{} : list.substr(nul + 1);
        if (n < out.size())
            out[n].assign(item);
        else
            out.emplace_back(item);
        ++n;
    }
    out.resize(n);
}

}  // namespace

ProcessTable::ProcessTable(ContainerTable& containers, const UserTable* users, size_t max_entries,
                           size_t max_kept)
    : containers_(containers),
      users_(users),
      max_entries_(std::max<size_t>(max_entries, 1)),
      max_kept_(max_kept) {
    // Reserving up front means inserts never rehash, and the table never exceeds
    // max_entries + 1 before eviction runs.
    map_.reserve(std::min<size_t>(max_entries_ + 1, 1 << 20));
    kept_.reserve(std::min<size_t>(max_kept_ + 1, 1 << 20));
    spare_.reserve(kMaxSpareNodes);
}

ProcessTable::~ProcessTable() = default;

ProcessTable::Entry* ProcessTable::find_entry(int64_t tid) {
    auto it = map_.find(tid);
    return it == map_.end() ? nullptr : &it->second;
}

const ProcessTable::Entry* ProcessTable::find_entry(int64_t tid) const {
    auto it = map_.find(tid);
    return it == map_.end() ? nullptr : &it->second;
}

const state::ProcessInfo* ProcessTable::find(int64_t tid) const {
    const Entry* e = find_entry(tid);
    return e ? &e->info : nullptr;
}

state::ProcessInfo* ProcessTable::find_mut(int64_t tid) {
    Entry* e = find_entry(tid);
    return e ? &e->info : nullptr;
}

uint32_t ProcessTable::thread_count(int64_t pid) const {
    const Entry* e = find_entry(pid);
    return e ? e->live_threads : 0;
}

void ProcessTable::lru_unlink(Entry& e) {
    (e.lru_prev ? e.lru_prev->lru_next : lru_head_) = e.lru_next;
    (e.lru_next ? e.lru_next->lru_prev : lru_tail_) = e.lru_prev;
    e.lru_prev = e.lru_next = nullptr;
}

void ProcessTable::lru_push_back(Entry& e) {
    e.lru_prev = lru_tail_;
    e.lru_next = nullptr;
    (lru_tail_ ? lru_tail_->lru_next : lru_head_) = &e;
    lru_tail_ = &e;
}

void ProcessTable::touch(int64_t tid) {
    Entry* e = find_entry(tid);
    if (!e || e == lru_tail_) return;
    lru_unlink(*e);
    lru_push_back(*e);
}

ProcessTable::Entry* ProcessTable::new_entry(int64_t tid, const state::ProcessInfo* copy_from) {
    Map::iterator it;
    if (!spare_.empty()) {
        Map::node_type node = std::move(spare_.back());
        spare_.pop_back();
        node.key() = tid;
        it = map_.insert(std::move(node)).position;
    } else {
        it = map_.try_emplace(tid).first;
    }
    Entry& e = it->second;
    // Copy-assigning reuses the recycled node's string buffers.
    if (copy_from)
        e.info = *copy_from;
    else
        e.info = state::ProcessInfo{};
    e.info.tid = tid;
    e.info.parent = nullptr;
    e.parent = e.first_child = e.next_sibling = e.prev_sibling = nullptr;
    e.live_threads = 0;
    e.exited = false;
    e.kept = false;
    lru_push_back(e);
    ++stats_.inserts;
    return &e;
}

// Takes e out of its parent's child list; returns the former parent.
ProcessTable::Entry* ProcessTable::unlink_from_parent(Entry& e) {
    Entry* old = e.parent;
    if (!old) return nullptr;
    (e.prev_sibling ? e.prev_sibling->next_sibling : old->first_child) = e.next_sibling;
    if (e.next_sibling) e.next_sibling->prev_sibling = e.prev_sibling;
    e.parent = e.prev_sibling = e.next_sibling = nullptr;
    e.info.parent = nullptr;
    return old;
}

void ProcessTable::detach_from_parent(Entry& e) {
    release_unused_kept(unlink_from_parent(e));
}

void ProcessTable::set_parent(Entry& e, Entry* parent) {
    if (e.parent == parent) return;
    Entry* old = unlink_from_parent(e);
    if (parent) {
        e.parent = parent;
        e.info.parent = &parent->info;
        e.next_sibling = parent->first_child;
        if (parent->first_child) parent->first_child->prev_sibling = &e;
        parent->first_child = &e;
    }
    // Only now: the new parent may be an ancestor kept for this very child.
    release_unused_kept(old);
}

bool ProcessTable::is_kept(const state::ProcessInfo* p) const {
    if (!p) return false;
    auto [lo, hi] = kept_.equal_range(p->pid);
    for (auto it = lo; it != hi; ++it)
        if (&it->second.info == p) return true;
    return false;
}

ProcessTable::Map::node_type ProcessTable::extract_kept(Entry& e) {
    auto [lo, hi] = kept_.equal_range(e.info.pid);
    for (auto it = lo; it != hi; ++it)
        if (&it->second == &e) return kept_.extract(it);
    return {};
}

void ProcessTable::recycle(Map::node_type node) {
    if (node && spare_.size() < kMaxSpareNodes) spare_.push_back(std::move(node));
}

void ProcessTable::kept_unlink(Entry& e) {
    (e.lru_prev ? e.lru_prev->lru_next : kept_head_) = e.lru_next;
    (e.lru_next ? e.lru_next->lru_prev : kept_tail_) = e.lru_prev;
    e.lru_prev = e.lru_next = nullptr;
}

// An exited process with children stays, out of the live table, for its descendants. Its
// container and user pointers are dropped: those tables may free entries no live process uses.
void ProcessTable::keep(Entry& e) {
    lru_unlink(e);
    Map::node_type node = map_.extract(e.info.tid);
    node.key() = e.info.pid;
    kept_.insert(std::move(node));
    e.kept = true;
    e.exited = true;
    e.live_threads = 0;
    e.info.container = nullptr;
    e.info.user = e.info.loginuser = nullptr;
    e.info.group = nullptr;
    e.lru_prev = kept_tail_;
    e.lru_next = nullptr;
    (kept_tail_ ? kept_tail_->lru_next : kept_head_) = &e;
    kept_tail_ = &e;
    ++stats_.kept_exited;
    while (kept_.size() > max_kept_ && kept_head_) evict_kept();
}

// Kept processes whose last child went are released, up the chain.
void ProcessTable::release_unused_kept(Entry* e) {
    for (int i = 0; e && e->kept && !e->first_child && i < kMaxWalk; ++i) {
        Entry* up = unlink_from_parent(*e);
        kept_unlink(*e);
        recycle(extract_kept(*e));
        e = up;
    }
}

// Past max_kept the oldest kept process goes; its children take its parent, so the chain
// above it stays. Moving its last child releases it.
void ProcessTable::evict_kept() {
    Entry& e = *kept_head_;
    ++stats_.kept_evictions;
    if (!e.first_child) {
        release_unused_kept(&e);
        return;
    }
    Entry* up = e.parent;
    for (Entry* child = e.first_child; child;) {
        Entry* next = child->next_sibling;  // read first: the last move frees e
        child->info.ppid = up ? up->info.pid : 0;
        set_parent(*child, up);
        child = next;
    }
}

namespace {
// True when `e` is `ancestor` or below it; bounded, so a corrupt chain cannot hang us.
template <typename E>
bool descends_from(const E* e, const E* ancestor) {
    for (int i = 0; e && i < kMaxWalk; ++i, e = e->parent)
        if (e == ancestor) return true;
    return false;
}
}  // namespace

// The kernel hands orphans to a live thread of the same group (invisible here: parents are
// groups), else to the nearest child subreaper, else to the pid namespace's init. The driver
// reports the reaper it chose; without it we take the namespace init from the ancestry.
ProcessTable::Entry* ProcessTable::pick_reaper(Entry& dying, int64_t reaper_tid) {
    if (reaper_tid > 0 && reaper_tid != dying.info.tid) {
        Entry* r = find_entry(reaper_tid);
        if (r && r->info.tid != r->info.pid) {
            if (Entry* leader = find_entry(r->info.pid)) r = leader;
        }
        if (r && !descends_from(r, &dying)) return r;
    }
    int depth = 0;
    for (Entry* a = dying.parent; a && depth < kMaxWalk; a = a->parent, ++depth)
        if (a->info.vpid == 1 || a->info.pid == 1) return a;
    Entry* init = find_entry(1);
    if (init && !descends_from(init, &dying)) return init;
    return nullptr;
}

void ProcessTable::remove(Entry& e, int64_t reaper_tid) {
    if (e.first_child) {
        Entry* reaper = pick_reaper(e, reaper_tid);
        while (Entry* child = e.first_child) {
            set_parent(*child, reaper);
            child->info.ppid = reaper ? reaper->info.pid : 0;
        }
    }
    detach_from_parent(e);
    lru_unlink(e);
    int64_t tid = e.info.tid;
    int64_t pid = e.info.pid;
    recycle(map_.extract(tid));

    // A thread leaving its group; a leader that already exited goes with its last thread.
    if (tid != pid) {
        Entry* leader = find_entry(pid);
        if (leader && leader->live_threads > 0) --leader->live_threads;
        if (leader && leader->exited && leader->live_threads == 0) retire(*leader, reaper_tid);
    }
}

// An exit: a process with children is kept for them (when keeping is on); anything else goes.
void ProcessTable::retire(Entry& e, int64_t reaper_tid) {
    if (e.first_child && max_kept_ > 0 && e.info.tid == e.info.pid)
        keep(e);
    else
        remove(e, reaper_tid);
}

void ProcessTable::enforce_bound() {
    while (map_.size() > max_entries_ && lru_head_) {
        Entry* victim = lru_head_;
        // init anchors every ancestry chain; keep it while anything else can go.
        if (victim->info.tid == 1 && victim->lru_next) {
            lru_unlink(*victim);
            lru_push_back(*victim);
            victim = lru_head_;
        }
        ++stats_.evictions;
        remove(*victim, 0);
    }
}

void ProcessTable::resolve_identity(state::ProcessInfo& p) const {
    if (!users_) return;
    p.user = users_->user(p.uid);
    p.group = users_->group(p.gid);
    p.loginuser = p.loginuid == UINT32_MAX ? nullptr : users_->user(p.loginuid);
}

void ProcessTable::relink_users() {
    for (auto& [tid, e] : map_) resolve_identity(e.info);
}

void ProcessTable::set_credentials(int64_t tid, uint32_t uid, uint32_t gid) {
    Entry* e = find_entry(tid);
    if (!e) return;
    e->info.uid = uid;
    e->info.gid = gid;
    resolve_identity(e->info);
}

// The process whose pid is id and who leads by it (own: &ProcessInfo::sid or ::vpgid equal
// to its own id): the live one, else a kept exited one. Live first: a session or group id is
// not reused while the session or group has members.
const ProcessTable::Entry* ProcessTable::find_leader(int64_t id, int64_t ProcessInfo::*own) const {
    if (id <= 0) return nullptr;
    const Entry* live = find_entry(id);
    if (live && live->info.tid == live->info.pid) return live;
    const Entry* best = nullptr;
    auto [lo, hi] = kept_.equal_range(id);
    for (auto it = lo; it != hi; ++it) {
        const Entry& k = it->second;
        bool leads = k.info.*own == id;
        bool best_leads = best && best->info.*own == id;
        if (!best || (leads != best_leads ? leads : k.info.start_ts > best->info.start_ts))
            best = &k;
    }
    return best;
}

const state::ProcessInfo* ProcessTable::session_leader(const state::ProcessInfo& p) const {
    const Entry* e = find_leader(p.sid, &ProcessInfo::sid);
    return e ? &e->info : nullptr;
}

const state::ProcessInfo* ProcessTable::group_leader(const state::ProcessInfo& p) const {
    if (p.pid == p.vpid) {  // the host pid namespace: vpgid is the pid of the leader
        const Entry* e = find_leader(p.vpgid, &ProcessInfo::vpgid);
        return e ? &e->info : nullptr;
    }
    // Another namespace: its ids are not the table's keys; the leader is an ancestor there.
    int depth = 0;
    for (const ProcessInfo* q = &p; q && depth < kMaxWalk; q = q->parent, ++depth)
        if (q->vpid == p.vpgid) return q;
    return nullptr;
}

void ProcessTable::on_setsid(int64_t tid) {
    Entry* e = find_entry(tid);
    if (!e) return;
    for (Entry* x : {e, find_entry(e->info.pid)}) {
        if (!x) continue;
        x->info.sid = x->info.pid;
        x->info.vpgid = x->info.vpid;
    }
}

void ProcessTable::on_setpgid(int64_t tid, int64_t target, int64_t vpgid) {
    Entry* caller = find_entry(tid);
    if (!caller) return;
    Entry* t = caller;
    if (target != 0 && target != caller->info.vpid) {
        // Another process: found by id only from the host pid namespace.
        if (caller->info.pid != caller->info.vpid) return;
        t = find_entry(target);
        if (!t) return;
    }
    int64_t group = vpgid != 0 ? vpgid : t->info.vpid;
    for (Entry* x : {t, find_entry(t->info.pid)})
        if (x) x->info.vpgid = group;
}

state::ProcessInfo* ProcessTable::on_clone(int64_t parent_tid, int64_t child_tid, int64_t child_pid,
                                           bool is_thread, uint64_t ts, int64_t vtid,
                                           int64_t vpid) {
    if (Entry* old = find_entry(child_tid)) {
        if (child_tid == parent_tid) return &old->info;  // nonsense event; keep what we have
        remove(*old, 0);                                 // tid reused: we missed its exit
    }
    Entry* tmpl = find_entry(parent_tid);
    if (!tmpl && is_thread) tmpl = find_entry(child_pid);  // any thread of the group will do
    if (!tmpl) ++stats_.unknown_parent;
    if (tmpl) touch(tmpl->info.tid);

    Entry* c = new_entry(child_tid, tmpl ? &tmpl->info : nullptr);
    state::ProcessInfo& ci = c->info;
    ci.pid = child_pid;
    if (ts) ci.start_ts = ts;
    if (tmpl) {
        const state::ProcessInfo& ti = tmpl->info;
        bool host_ns = ti.vtid == ti.tid && ti.vpid == ti.pid;
        if (is_thread) {
            // Threads share their group's parent.
            ci.ppid = ti.ppid;
            set_parent(*c, tmpl->parent);
        } else {
            Entry* group = tmpl->info.tid == ti.pid ? tmpl : find_entry(ti.pid);
            if (!group) group = tmpl;
            ci.ppid = ti.pid;
            set_parent(*c, group);
        }
        ci.vtid = vtid ? vtid : (host_ns ? child_tid : 0);
        ci.vpid = vpid ? vpid : (is_thread ? ti.vpid : (host_ns ? child_pid : 0));
    } else {
        ci.vtid = vtid;
        ci.vpid = vpid;
    }
    if (child_tid == child_pid) {
        c->live_threads = 1;
    } else if (Entry* leader = find_entry(child_pid)) {
        ++leader->live_threads;
    }
    enforce_bound();
    return &c->info;
}

void ProcessTable::apply_exec(Entry& e, const ExecInfo& info) {
    state::ProcessInfo& p = e.info;
    if (!info.name.empty()) p.name.assign(info.name);
    p.exe.assign(info.exe);
    p.exepath.assign(info.exepath);
    assign_nul_list(info.args, p.argv);
    if (!info.cwd.empty()) {
        p.cwd.assign(info.cwd);
        if (p.cwd.back() != '/') p.cwd += '/';
    }
    if (info.has_env) assign_nul_list(info.env, p.env);
    if (!info.cgroups.empty()) p.container = containers_.from_cgroups_param(info.cgroups);
    if (!p.container) p.container = containers_.host();
    if (info.has_creds) {
        p.uid = info.uid;
        p.gid = info.gid;
        p.loginuid = info.loginuid;
        resolve_identity(p);
    }
    if (info.has_caps) {
        p.cap_effective = info.cap_effective;
        p.cap_permitted = info.cap_permitted;
        p.cap_inheritable = info.cap_inheritable;
    }
    p.refresh_derived();
}

state::ProcessInfo* ProcessTable::on_exec(int64_t tid, const ExecInfo& info) {
    Entry* e = find_entry(tid);
    if (e) {
        touch(tid);
        // The kernel's parent at exec wins over what clone and exit bookkeeping inferred:
        // CLONE_PARENT (runc's init) and child subreapers (containerd-shim) reparent in ways
        // the exit records do not tell.
        // A kept (exited) parent is the lineage the process was created with: the kernel's
        // parent is then only the reaper.
        bool parent_exited = e->parent && e->parent->kept;
        if (info.ptid > 0 && info.ptid != e->info.ppid && !parent_exited) {
            Entry* parent = find_entry(info.ptid);
            if (parent && parent->info.tid != parent->info.pid) {
                if (Entry* leader = find_entry(parent->info.pid)) parent = leader;
            }
            if (parent && parent != e && !descends_from(parent, e)) {
                set_parent(*e, parent);
                e->info.ppid = parent->info.pid;
            }
        }
    } else {
        // We never saw this process start: build it from its parent, as a clone would have.
        Entry* parent = info.ptid ? find_entry(info.ptid) : nullptr;
        if (parent && parent->info.tid != parent->info.pid) {
            if (Entry* leader = find_entry(parent->info.pid)) parent = leader;
        }
        if (!parent) ++stats_.unknown_parent;
        e = new_entry(tid, parent ? &parent->info : nullptr);
        e->info.pid = info.pid ? info.pid : tid;
        e->info.ppid = parent ? parent->info.pid : info.ptid;
        bool host_ns = parent && parent->info.vpid == parent->info.pid;
        e->info.vtid = host_ns ? tid : 0;
        e->info.vpid = host_ns ? e->info.pid : 0;
        set_parent(*e, parent);
        if (e->info.tid == e->info.pid) e->live_threads = 1;
    }
    // exec makes the calling thread the group leader; a zombie leader is thereby alive again.
    if (e->info.tid == e->info.pid) {
        e->exited = false;
        e->live_threads = std::max<uint32_t>(e->live_threads, 1);
    }
    apply_exec(*e, info);
    enforce_bound();
    return &e->info;
}

bool ProcessTable::on_exit(int64_t tid, int64_t reaper_tid) {
    Entry* e = find_entry(tid);
    if (!e) {
        ++stats_.missing_exit_tid;
        return false;
    }
    ++stats_.exits;
    if (e->info.tid == e->info.pid) {
        if (e->exited) return true;  // a repeated exit of a zombie leader
        if (e->live_threads > 1) {
            // Other threads still run: the group (and its process-level state) lives on.
            e->exited = true;
            --e->live_threads;
            return true;
        }
    }
    retire(*e, reaper_tid);
    return true;
}

state::ProcessInfo* ProcessTable::insert(int64_t tid) {
    if (Entry* old = find_entry(tid)) remove(*old, 0);
    return &new_entry(tid, nullptr)->info;
}

void ProcessTable::drop_kept() {
    for (auto& [pid, e] : kept_) e.first_child = nullptr;
    while (!kept_.empty()) recycle(kept_.extract(kept_.begin()));
    kept_head_ = kept_tail_ = nullptr;
}

void ProcessTable::link_parents() {
    drop_kept();  // every link is rebuilt from ppids, which name live processes only
    for (auto& [tid, e] : map_) {
        e.parent = e.first_child = e.next_sibling = e.prev_sibling = nullptr;
        e.info.parent = nullptr;
        e.live_threads = 0;
    }
    for (auto& [tid, e] : map_) {
        // ppid is a process id, so the parent entry is that group's leader. Linking only
        // when it cannot close a loop keeps even a racy scan (pid reuse) acyclic.
        Entry* parent = e.info.ppid > 0 ? find_entry(e.info.ppid) : nullptr;
        if (parent && !descends_from(parent, &e)) set_parent(e, parent);
        if (e.info.tid == e.info.pid) {
            ++e.live_threads;
        } else if (Entry* leader = find_entry(e.info.pid)) {
            ++leader->live_threads;
        }
    }
    enforce_bound();
}

void ProcessTable::clear() {
    drop_kept();
    map_.clear();
    lru_head_ = lru_tail_ = nullptr;
}

}  // namespace sensor::state
