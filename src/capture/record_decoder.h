#pragma once
// Turns the probe's records (bpf/record.h) into events for the rule engine, keeping the
// process and fd tables current as it goes. Single-threaded: the event loop owns it.
//
// Per record: decode() applies the state changes that must precede evaluation (a new fd, an
// exec) and returns the event (or nullptr for state-only records); finish() applies those that
// must follow it (a close, an exit), so the event still sees what it acted on. The returned
// event borrows the decoder's buffers and stays valid until the next decode().
//
// A syscall's record is parsed into a SyscallView, its entry in the syscall table
// (events/syscall_table.h) found by number, its state handler called from a table indexed by
// the entry's handler kind (syscall_handlers.cpp), and its parameters rendered from the
// entry's schema.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "record.h"
#include "sensor/capture/probe_config.h"
#include "sensor/events/syscall_table.h"
#include "sensor/fields/event.h"

namespace sensor::state {
class ProcessTable;
class FdTable;
struct ExecInfo;
}  // namespace sensor::state

namespace sensor::capture {

struct SyscallView;
struct SyscallCall;

struct DecoderStats {
    uint64_t records = 0;
    uint64_t events = 0;
    uint64_t execs = 0;
    uint64_t forks = 0;
    uint64_t exits = 0;
    uint64_t malformed = 0;          // records too short or with strings past their end
    uint64_t unknown_syscalls = 0;   // numbers with no event type here
    uint64_t threads_from_proc = 0;  // threads first seen in a syscall, read from /proc
    uint64_t argv_cut = 0;           // execs whose argv was longer than a record carries
    uint64_t env_cut = 0;            // execs whose environment was (its last variable dropped)
    uint64_t io_uring = 0;           // events of io_uring requests
    uint64_t fds_received = 0;       // fds a recvmsg received (SCM_RIGHTS), entered in the table
    uint64_t fds_received_cut = 0;   // received fds past what the probe describes per message
};

class RecordDecoder {
  public:
    RecordDecoder(state::ProcessTable& procs, state::FdTable& fds, std::string proc_root = "/proc");
    ~RecordDecoder();
    RecordDecoder(const RecordDecoder&) = delete;
    RecordDecoder& operator=(const RecordDecoder&) = delete;

    const fields::Event* decode(const void* record, size_t size);
    void finish();

    const DecoderStats& stats() const { return stats_; }
    // ns added to the records' CLOCK_BOOTTIME stamps for ns since the epoch (the clocks'
    // difference at construction); replay sets 0, its records carry epoch times.
    void set_boot_to_epoch_ns(uint64_t ns) { boot_to_epoch_ns_ = ns; }
    uint64_t boot_to_epoch_ns() const { return boot_to_epoch_ns_; }
    // The containers of the cgroup ids exec records named so far, as fn(cgroup_id, container),
    // and seeding them: a capture file carries them, since replay has no /proc to read.
    template <typename Fn>
    void for_each_cgroup(Fn&& fn) const {
        for (const auto& [id, c] : containers_by_cgroup_) fn(id, c);
    }
    void seed_cgroup(uint64_t cgroup_id, const state::ContainerInfo* c) {
        containers_by_cgroup_[cgroup_id] = c;
    }
    // The files the rules name by path, by identity (ProbeConfig::identity): a record the
    // probe marks SENSOR_FILE_IDENTITY gets the named path as fd.fspath. Set at load and reload.
    void set_file_identities(std::vector<FileIdentity> files);

  private:
    struct Pending {
        enum Kind : uint8_t { None, Close, Exit } kind = None;
        int64_t pid = 0;
        int64_t id = 0;  // fd or tid
    };
    // What the decoder knows of a syscall number.
    struct Syscall {
        const events::SyscallEntry* entry = nullptr;  // nullptr: no entry, raw arguments
        int32_t type = -1;                            // event type id, -1 when none
    };
    // A state handler: applies the call's effect and returns the event's fd (or nullptr).
    using HandlerFn = state::FdInfo* (RecordDecoder::*)(const SyscallCall&);
    static const std::array<HandlerFn, events::kHandlerCount> kHandlers;

    const fields::Event* decode_syscall(const void* record, size_t size);
    // An io_uring request's record (SENSOR_REC_URING*): its syscall's event, evt.is_io_uring.
    const fields::Event* decode_uring(const void* record, size_t size, bool fixed_slot);
    // The fixed file slot an io_uring record names, as the record describes it.
    void set_fixed_fd(int64_t num, const SyscallView& v);
    // A new fd of the process, or the record's fixed slot (not in the fd table: no fd).
    state::FdInfo* put_fd(int64_t pid, int64_t num);
    const fields::Event* decode_exec(const void* record, size_t size);
    const fields::Event* decode_fork(const void* record, size_t size);
    const fields::Event* decode_exit(const void* record, size_t size);
    // An fd a recvmsg received: entered in the table, its name kept for the recvmsg's own
    // record, which follows (fd.received).
    const fields::Event* decode_fd_received(const void* record, size_t size);

    // Exec records (exec_record.cpp).
    state::ProcessInfo* apply_exec(const sensor_exec& r, const state::ExecInfo& info);
    void add_exec_params(const sensor_exec& r, const state::ExecInfo& info,
                         const state::ProcessInfo* p, std::string_view filename, bool at);

    // Parameters.
    void start_event(events::EventTypeId type, uint64_t ts_boot, state::ProcessInfo* proc);
    std::string& add_param(std::string_view name);
    // A parameter with final text (and a raw value); add_param() leaves the text to the caller.
    void add_text_param(std::string_view name, std::string_view text);
    void add_raw_param(std::string_view name, int64_t raw, std::string_view text);
    void add_num_param(std::string_view name, int64_t v);
    void add_raw_args(const SyscallView& v);
    void add_params(const SyscallView& v, const events::SyscallEntry& e, const state::FdInfo* fd);
    void resolve_param(events::Fmt fmt, fields::EventParam& p, std::string& text,
                       const state::FdInfo* fd);

    // State handlers (syscall_handlers.cpp), one per events::Handler.
    state::FdInfo* on_event_fd(const SyscallCall& c);
    state::FdInfo* on_open(const SyscallCall& c);
    state::FdInfo* on_memfd(const SyscallCall& c);
    state::FdInfo* on_close(const SyscallCall& c);
    state::FdInfo* on_dup(const SyscallCall& c);
    state::FdInfo* on_fcntl_dup(const SyscallCall& c);
    state::FdInfo* on_socket(const SyscallCall& c);
    state::FdInfo* on_connect(const SyscallCall& c);
    state::FdInfo* on_accept(const SyscallCall& c);
    state::FdInfo* on_bind(const SyscallCall& c);
    state::FdInfo* on_chdir(const SyscallCall& c);
    state::FdInfo* on_fchdir(const SyscallCall& c);
    state::FdInfo* on_setuid(const SyscallCall& c);
    state::FdInfo* on_setgid(const SyscallCall& c);
    state::FdInfo* on_setsid(const SyscallCall& c);
    state::FdInfo* on_setpgid(const SyscallCall& c);
    state::FdInfo* on_failed_exec(const SyscallCall& c);
    // The new fd of an open or memfd_create: the table's entry, or scratch_fd_ (failed or not
    // tracked).
    state::FdInfo* new_file_fd(const SyscallCall& c);
    void set_effective_id(const SyscallCall& c, bool uid);

    state::ProcessInfo* thread(int64_t tid, int64_t pid);
    const state::ContainerInfo* container_of_cgroup(uint64_t cgroup_id, int64_t pid);
    // Absolute, normalized form of path as the process meant it (relative to dirfd or cwd).
    // dirfd_path: the dirfd's path as the kernel gave it, if the record has it.
    void resolve_path(const state::ProcessInfo& proc, int64_t pid, int64_t dirfd,
                      std::string_view dirfd_path, std::string_view path, std::string& out);
    // The fd a syscall was given, loaded from /proc when unknown, unless the syscall failed
    // with EBADF: then it was not open, and /proc can only show a later file under that
    // number, which the sensor would keep (its close may never be sent: quiet_close).
    state::FdInfo* fd_arg(int64_t pid, int64_t fd);
    void take_kernel_file(int64_t pid, int64_t fd_num, const sensor_file_section& file,
                          std::string_view kernel_path);
    // Enters fd_num in the table as the described file (replacing what the entry held).
    state::FdInfo* enter_kernel_file(int64_t pid, int64_t fd_num, const sensor_file_section& file,
                                     std::string_view kernel_path);

    state::ProcessTable& procs_;
    state::FdTable& fds_;
    std::string proc_root_;
    uint64_t boot_to_epoch_ns_ = 0;  // ns to add to the probe's CLOCK_BOOTTIME stamps
    uint64_t seq_ = 0;
    std::array<Syscall, SENSOR_MAX_SYSCALLS> by_nr_{};
    int32_t execve_type_ = -1, execveat_type_ = -1, procexit_type_ = -1;
    uint32_t execveat_nr_ = UINT32_MAX;

    fields::Event ev_;
    std::array<std::string, fields::kMaxEventParams> text_;
    bool fd_arg_was_open_ = true;  // the current record's syscall did not fail with EBADF
    // The current record is an io_uring request's on a fixed file slot: its fd is fixed_fd_.
    bool fixed_slot_ = false;
    state::FdInfo fixed_fd_;
    // fd.fspath of a file from its record: the named path of its inode, else its path from its
    // filesystem's root where that differs from its name (empty when it does not).
    void set_fs_path(state::FdInfo& fd, const SyscallView& v) const;
    std::vector<FileIdentity> identities_;  // sorted by (dev, ino)
    state::FdInfo scratch_fd_;  // the fd of a failed open (fd.num = -1), or one not tracked
    std::string path_buf_, tmp_;
    std::string data_;  // the event's I/O data (evt.buffer), copied out of the ring
    std::unordered_map<uint64_t, const state::ContainerInfo*> containers_by_cgroup_;
    uint64_t cache_generation_ = 0;
    Pending pending_;
    // The fds the probe described for the thread's recvmsg under way (its own record follows).
    int64_t received_tid_ = -1;
    uint8_t received_count_ = 0;
    std::array<std::string, SENSOR_RECV_FDS> received_;
    DecoderStats stats_;
};

}  // namespace sensor::capture
