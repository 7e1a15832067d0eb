// Record dispatch, syscall exits (parse, look up, handle, render), forks, exits and threads
// first met in a syscall. State handlers are in syscall_handlers.cpp, exec records in
// exec_record.cpp.
#include "sensor/capture/record_decoder.h"

#include <time.h>

#include <cerrno>

#include "sensor/capture/record_values.h"
#include "sensor/capture/record_view.h"
#include "sensor/events/event_types.h"
#include "sensor/events/param_format.h"
#include "sensor/events/syscalls.h"
#include "sensor/fields/registry.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/proc_scan.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace sensor::capture {
namespace {

using events::Fmt;
using events::ParamSpec;
using events::Src;
using state::FdInfo;
using state::ProcessInfo;

uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

RecordDecoder::RecordDecoder(state::ProcessTable& procs, state::FdTable& fds, std::string proc_root)
    : procs_(procs), fds_(fds), proc_root_(std::move(proc_root)) {
    // The wall clock read between two boot clock readings, against their midpoint: the
    // offset is then off by less than half the gap (tens of ns), not by the whole gap.
    uint64_t boot_before = clock_ns(CLOCK_BOOTTIME);
    uint64_t realtime = clock_ns(CLOCK_REALTIME);
    uint64_t boot_after = clock_ns(CLOCK_BOOTTIME);
    boot_to_epoch_ns_ = realtime - (boot_before + (boot_after - boot_before) / 2);
    ev_.fds = &fds_;
    ev_.threads = &procs_;
    ev_.proc_root = proc_root_.c_str();
    for (uint32_t nr = 0; nr < by_nr_.size(); ++nr) {
        std::string_view name = events::syscall_name(nr);
        if (name.empty()) continue;
        if (auto id = events::event_type_id(name)) by_nr_[nr].type = *id;
        const events::SyscallEntry* e = events::syscall_entry(name);
        if (e && e->has_schema()) by_nr_[nr].entry = e;
    }
    // A successful exec record becomes the event of its syscall: execveat's (the exec with a
    // dirfd) when the record says so, else execve's.
    for (const events::SyscallEntry& e : events::syscall_entries()) {
        if (e.handler != events::Handler::Exec) continue;
        if (e.args.dirfd == SENSOR_NO_ARG) {
            execve_type_ = e.type;
            continue;
        }
        execveat_type_ = e.type;
        if (auto nr = events::syscall_number(e.name)) execveat_nr_ = *nr;
    }
    if (auto id = events::event_type_id("procexit")) procexit_type_ = *id;
}

RecordDecoder::~RecordDecoder() = default;

const fields::Event* RecordDecoder::decode(const void* record, size_t size) {
    ++stats_.records;
    if (size < sizeof(sensor_record_header)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto* h = static_cast<const sensor_record_header*>(record);
    const fields::Event* ev = nullptr;
    switch (h->kind) {
        case SENSOR_REC_SYSCALL_EXIT:
            ev = decode_syscall(record, size);
            break;
        case SENSOR_REC_PROC_EXEC:
            ev = decode_exec(record, size);
            break;
        case SENSOR_REC_PROC_FORK:
            ev = decode_fork(record, size);
            break;
        case SENSOR_REC_PROC_EXIT:
            ev = decode_exit(record, size);
            break;
        case SENSOR_REC_URING:
        case SENSOR_REC_URING_FIXED:
            ev = decode_uring(record, size, h->kind == SENSOR_REC_URING_FIXED);
            break;
        case SENSOR_REC_FD_RECEIVED:
            ev = decode_fd_received(record, size);
            break;
        default:
            ++stats_.malformed;
            return nullptr;
    }
    if (ev) ++stats_.events;
    return ev;
}

void RecordDecoder::finish() {
    switch (pending_.kind) {
        case Pending::Close:
            fds_.close(pending_.pid, pending_.id);
            break;
        case Pending::Exit:
            procs_.on_exit(pending_.id);
            if (procs_.thread_count(pending_.pid) == 0) fds_.remove_process(pending_.pid);
            break;
        case Pending::None:
            break;
    }
    pending_.kind = Pending::None;
}

void RecordDecoder::start_event(events::EventTypeId type, uint64_t ts_boot, ProcessInfo* proc) {
    ev_.num = ++seq_;
    ev_.ts = ts_boot + boot_to_epoch_ns_;
    if (ev_.first_ts == 0) ev_.first_ts = ev_.ts;
    ev_.type = type;
    ev_.dir = fields::EventDir::Exit;
    ev_.res = 0;
    ev_.has_res = true;
    ev_.open_flags = 0;
    ev_.is_open_event = false;
    ev_.param_count = 0;
    ev_.buffer = {};
    ev_.has_buffer = false;
    ev_.proc = proc;
    ev_.fd = nullptr;
    ev_.container = nullptr;
    ev_.is_io_uring = false;
    ev_.received = nullptr;
    ev_.received_count = 0;
}

std::string& RecordDecoder::add_param(std::string_view name) {
    uint16_t i = ev_.param_count++;
    fields::EventParam& p = ev_.params[i];
    p.name = name;
    p.raw = 0;
    p.has_raw = false;
    p.resolved = {};
    text_[i].clear();
    return text_[i];
}

void RecordDecoder::add_text_param(std::string_view name, std::string_view text) {
    uint16_t i = ev_.param_count;
    add_param(name).assign(text);
    ev_.params[i].text = text_[i];
}

void RecordDecoder::add_raw_param(std::string_view name, int64_t raw, std::string_view text) {
    uint16_t i = ev_.param_count;
    add_text_param(name, text);
    ev_.params[i].raw = raw;
    ev_.params[i].has_raw = true;
}

void RecordDecoder::add_num_param(std::string_view name, int64_t v) {
    tmp_.clear();
    events::append_param(Fmt::Int, v, tmp_);
    add_raw_param(name, v, tmp_);
}

// A syscall without a schema: its six raw arguments, in hex.
void RecordDecoder::add_raw_args(const SyscallView& v) {
    static constexpr std::string_view kNames[] = {"arg0", "arg1", "arg2", "arg3", "arg4", "arg5"};
    for (int i = 0; i < 6; ++i) {
        tmp_.clear();
        events::append_param(Fmt::Hex, v.arg(i), tmp_);
        add_raw_param(kNames[i], v.arg(i), tmp_);
    }
}

// The entry's parameters, each from its source in the record, in its text form.
void RecordDecoder::add_params(const SyscallView& v, const events::SyscallEntry& e,
                               const FdInfo* fd) {
    for (const ParamSpec& spec : e.params) {
        uint16_t i = ev_.param_count;
        std::string& text = add_param(spec.name);
        fields::EventParam& p = ev_.params[i];
        switch (spec.src) {
            case Src::Str0:
            case Src::Str1:
                text.assign(spec.src == Src::Str0 ? v.user_path : v.str.s[1]);
                break;
            case Src::Tuple:  // a connection's tuple, or a bound server socket's address
                if (fd && (fd->connected || fd->is_server)) text = fd->name;
                break;
            case Src::Data:
                data_.assign(v.data);
                ev_.buffer = data_;
                ev_.has_buffer = true;
                fields::append_buffer_text(data_, text);
                break;
            case Src::FileFlags:
                p.raw = v.file->f_flags;
                p.has_raw = true;
                events::append_param(Fmt::OpenFlags, p.raw, text);
                break;
            case Src::Ret:
                p.raw = v.r->ret;
                p.has_raw = true;
                events::append_param(spec.fmt, p.raw, text);
                break;
            case Src::None:
                break;
            default: {
                int64_t a = v.arg(static_cast<int>(spec.src) - static_cast<int>(Src::Arg0));
                if (spec.fmt == Fmt::Fd || spec.fmt == Fmt::Dirfd) a = static_cast<int32_t>(a);
                p.raw = a;
                p.has_raw = true;
                events::append_param(spec.fmt, a, text);
                break;
            }
        }
        resolve_param(spec.fmt, p, text, fd);
        p.text = text;
    }
}

// Falco's "raw(resolved)" forms: an fd's type and name, a user or group name; then the part in
// parentheses becomes the resolved text evt.arg.NAME gives (errno names, AT_FDCWD too).
void RecordDecoder::resolve_param(Fmt fmt, fields::EventParam& p, std::string& text,
                                  const FdInfo* fd) {
    p.resolved = {};
    if (!p.has_raw) return;
    if (fmt == Fmt::Fd && p.raw >= 0 && ev_.proc) {
        const FdInfo* f = fd && fd->num == p.raw ? fd : fds_.find(ev_.proc->pid, p.raw);
        if (f && !f->name.empty()) {
            text += "(<";
            text += state::fd_type_char(f->type);
            text += '>';
            text += f->name;
            text += ')';
        }
    } else if ((fmt == Fmt::Uid || fmt == Fmt::Gid) && procs_.users()) {
        const auto id = static_cast<uint32_t>(p.raw);
        const std::string* name = nullptr;
        if (fmt == Fmt::Uid) {
            if (const state::UserInfo* u = procs_.users()->user(id)) name = &u->name;
        } else if (const state::GroupInfo* g = procs_.users()->group(id)) {
            name = &g->name;
        }
        if (name) (text += '(').append(*name) += ')';
    }
    const size_t open = text.find('(');
    if (open != std::string::npos && open > 0 && text.back() == ')')
        p.resolved = std::string_view(text).substr(open + 1, text.size() - open - 2);
}

const fields::Event* RecordDecoder::decode_syscall(const void* record, size_t size) {
    SyscallView v;
    if (!parse_syscall(record, size, v) || v.r->h.nr >= by_nr_.size()) {
        ++stats_.malformed;
        return nullptr;
    }
    const sensor_syscall_exit& r = *v.r;
    const Syscall& sc = by_nr_[r.h.nr];
    if (sc.type < 0) {
        ++stats_.unknown_syscalls;
        return nullptr;
    }
    const events::SyscallEntry* e = sc.entry;
    fd_arg_was_open_ = r.ret != -EBADF;
    // Files received belong to the thread's next record only (its recvmsg's).
    const bool received_before = received_tid_ == static_cast<int64_t>(r.h.tid);
    received_tid_ = -1;
    // A successful exec is reported by its exec record; only failures come from here.
    if (e && e->handler == events::Handler::Exec && r.ret == 0) return nullptr;

    const int64_t tid = r.h.tid, pid = r.h.pid;
    ProcessInfo* proc = thread(tid, pid);
    start_event(static_cast<events::EventTypeId>(sc.type), r.h.ts_ns, proc);
    ev_.res = r.ret;
    if (!e) {
        add_raw_args(v);
        return &ev_;
    }
    // The probe describes the fd argument's file (a fixed slot's is fixed_fd_ already; the
    // fd argument's, always, or when a rule reads its fd fields).
    if (r.payload == SENSOR_PAY_FD_FILE && !fixed_slot_ && e->args.fd < 6)
        take_kernel_file(pid, v.arg(e->args.fd), *v.file, v.kernel_path);
    if (received_before && e->has(events::sysflag::kReceivesFds)) {
        ev_.received = received_.data();
        ev_.received_count = received_count_;
    }
    const SyscallCall call{v, *e, proc, tid, pid, r.ret};
    ev_.fd = (this->*kHandlers[static_cast<size_t>(e->handler)])(call);
    add_params(v, *e, ev_.fd);
    return &ev_;
}

// The record has its syscall's layout; only the thread (the submitter's) and, for a fixed
// slot, the fd differ.
const fields::Event* RecordDecoder::decode_uring(const void* record, size_t size, bool fixed_slot) {
    fixed_slot_ = fixed_slot;
    if (fixed_slot) {
        SyscallView v;
        if (parse_syscall(record, size, v) && v.r->h.nr < by_nr_.size()) {
            const events::SyscallEntry* e = by_nr_[v.r->h.nr].entry;
            bool result = !e || e->has(events::sysflag::kFdResult) || e->args.fd >= 6;
            set_fixed_fd(result ? v.r->ret : static_cast<int32_t>(v.arg(e->args.fd)), v);
        }
    }
    const fields::Event* ev = decode_syscall(record, size);
    fixed_slot_ = false;
    if (!ev) return nullptr;
    ev_.is_io_uring = true;
    ++stats_.io_uring;
    return ev;
}

void RecordDecoder::set_fixed_fd(int64_t num, const SyscallView& v) {
    FdInfo& f = fixed_fd_;
    f.num = num;
    f.type = v.file->i_mode != 0 ? fd_type_of_mode(v.file->i_mode) : state::FdType::Unknown;
    f.name.assign(v.kernel_path);
    f.nameraw.clear();
    f.open_flags = v.file->f_flags;
    f.dev = v.file->dev;
    f.ino = v.file->ino;
    f.l4proto = state::L4Proto::Unknown;
    f.cip = f.sip = {};
    f.cport = f.sport = 0;
    f.is_server = f.connected = false;
    f.sockfamily.clear();
    f.refresh_derived();
}

FdInfo* RecordDecoder::put_fd(int64_t pid, int64_t num) {
    if (!fixed_slot_) return fds_.put(pid, num);
    fixed_fd_.num = num;
    return &fixed_fd_;
}

const fields::Event* RecordDecoder::decode_fork(const void* record, size_t size) {
    if (size < sizeof(sensor_proc_event)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto& r = *static_cast<const sensor_proc_event*>(record);
    ++stats_.forks;
    bool is_thread = static_cast<int64_t>(r.child_pid) == static_cast<int64_t>(r.h.pid);
    thread(r.h.tid, r.h.pid);  // the parent must be known for the child to inherit from it
    procs_.on_clone(r.h.tid, r.child_tid, r.child_pid, is_thread, r.h.ts_ns + boot_to_epoch_ns_);
    if (!is_thread) fds_.fork(r.h.pid, r.child_pid);
    return nullptr;
}

const fields::Event* RecordDecoder::decode_exit(const void* record, size_t size) {
    if (size < sizeof(sensor_proc_event)) {
        ++stats_.malformed;
        return nullptr;
    }
    const auto& r = *static_cast<const sensor_proc_event*>(record);
    ++stats_.exits;
    pending_ = {Pending::Exit, r.h.pid, r.h.tid};
    ProcessInfo* p = procs_.find_mut(r.h.tid);
    if (procexit_type_ < 0 || !p) return nullptr;
    start_event(static_cast<events::EventTypeId>(procexit_type_), r.h.ts_ns, p);
    ev_.has_res = false;
    add_num_param("status", r.exit_code);
    return &ev_;
}

// Each fd a recvmsg received, before the call's own record: it enters the receiver's table as
// the kernel described it, and its name is kept for the call's event (fd.received).
const fields::Event* RecordDecoder::decode_fd_received(const void* record, size_t size) {
    const auto* r = static_cast<const sensor_fd_received*>(record);
    RecordStrings s;
    if (size < sizeof(sensor_fd_received) ||
        !(s = split_strings(record, size, sizeof *r, &r->path_len, 1)).ok) {
        ++stats_.malformed;
        return nullptr;
    }
    ++stats_.fds_received;
    stats_.fds_received_cut += r->cut;
    if (received_tid_ != r->h.tid) {
        received_tid_ = r->h.tid;
        received_count_ = 0;
    }
    FdInfo* fd = enter_kernel_file(r->h.pid, r->fd, r->file, s.s[0]);
    if (fd && !fd->name.empty() && received_count_ < received_.size())
        received_[received_count_++].assign(fd->name);
    return nullptr;
}

ProcessInfo* RecordDecoder::thread(int64_t tid, int64_t pid) {
    if (ProcessInfo* p = procs_.find_mut(tid)) {
        procs_.touch(tid);
        return p;
    }
    if (tid != pid && procs_.find(pid)) return procs_.on_clone(pid, tid, pid, true);
    // Started before the probe saw it (or its fork record was lost): read it from /proc.
    ++stats_.threads_from_proc;
    state::ThreadSnapshot snap;
    state::read_thread_from_proc(proc_root_, pid, tid, snap);
    ProcessInfo* p = procs_.on_exec(tid, snap.exec_info(pid));
    if (p && !snap.cgroup.empty())
        p->container = procs_.containers().from_proc_cgroup_file(snap.cgroup);
    return p;
}

const state::ContainerInfo* RecordDecoder::container_of_cgroup(uint64_t cgroup_id, int64_t pid) {
    if (cache_generation_ != procs_.containers().generation()) {
        containers_by_cgroup_.clear();  // it may point at evicted containers
        cache_generation_ = procs_.containers().generation();
    }
    auto it = containers_by_cgroup_.find(cgroup_id);
    if (it != containers_by_cgroup_.end()) return it->second;
    std::string text;
    if (!state::read_proc_cgroup(proc_root_, pid, text)) return nullptr;
    const state::ContainerInfo* c = procs_.containers().from_proc_cgroup_file(text);
    if (containers_by_cgroup_.size() > 65536) containers_by_cgroup_.clear();
    containers_by_cgroup_.emplace(cgroup_id, c);
    return c;
}

}  // namespace sensor::capture
