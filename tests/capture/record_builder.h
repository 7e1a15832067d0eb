#pragma once
// Hand-built probe records (bpf/record.h) for the record decoder's tests, and a fixture that
// decodes them into fresh process and fd tables. A temporary directory stands in for /proc so
// that threads the decoder has not seen are never looked up in the real one.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "record.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace sensor::testing {

using namespace std::string_literals;
using Bytes = std::vector<unsigned char>;

inline constexpr uint32_t kPid = 100;
inline constexpr uint64_t kAtFdcwd = static_cast<uint64_t>(-100);

inline uint16_t nr_of(const char* name) {
    auto nr = events::syscall_number(name);
    if (!nr) ADD_FAILURE() << "no syscall number for " << name;
    return nr ? static_cast<uint16_t>(*nr) : 0xffff;
}

inline events::EventTypeId type_of(const char* name) {
    auto id = events::event_type_id(name);
    if (!id) ADD_FAILURE() << "no event type " << name;
    return id ? *id : events::EventTypeId{};
}

template <typename T>
void append(Bytes& b, const T& v) {
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    b.insert(b.end(), p, p + sizeof v);
}

// Appends s and its NUL; returns the length the record announces (0: absent).
inline uint16_t append_str(Bytes& b, const std::optional<std::string>& s) {
    if (!s) return 0;
    b.insert(b.end(), s->begin(), s->end());
    b.push_back(0);
    return static_cast<uint16_t>(s->size() + 1);
}

// A sensor_syscall_exit. payload and nargs default to what the probe is configured to send
// for the syscall (its table entry), so records look like the real ones.
struct SyscallRec {
    const char* name = "openat";
    uint32_t tid = kPid, pid = kPid;
    int64_t ret = 0;
    std::vector<uint64_t> args;
    std::optional<uint8_t> payload;
    sensor_file_section file{};
    sensor_sock_section sock{};
    std::optional<std::string> str0, str1;
    std::optional<std::string> fspath;  // the third string (file.fspath_len set from it)
    std::string data;                   // I/O data after the strings (evt.buffer)
    uint64_t ts = 1000;
    uint8_t kind = SENSOR_REC_SYSCALL_EXIT;  // or an io_uring request's (SENSOR_REC_URING*)
};

inline Bytes build(const SyscallRec& s) {
    const auto* entry = events::syscall_entry(s.name);
    size_t nargs = entry ? events::args_needed(*entry) : 6;
    std::vector<uint64_t> args = s.args;
    if (args.size() < nargs) args.resize(nargs);
    sensor_syscall_exit r{};
    r.h.ts_ns = s.ts;
    r.h.tid = s.tid;
    r.h.pid = s.pid;
    r.h.kind = s.kind;
    r.h.nr = nr_of(s.name);
    r.ret = s.ret;
    r.nargs = static_cast<uint8_t>(args.size());
    r.payload = s.payload ? *s.payload : entry ? entry->payload : uint8_t{SENSOR_PAY_ARGS};
    Bytes b(sizeof r);
    for (uint64_t a : args) append(b, a);
    sensor_file_section file = s.file;
    if (s.fspath) file.fspath_len = static_cast<uint16_t>(s.fspath->size() + 1);
    if (r.payload == SENSOR_PAY_NEW_FILE || r.payload == SENSOR_PAY_FD_FILE) append(b, file);
    if (r.payload == SENSOR_PAY_SOCK_ARG0 || r.payload == SENSOR_PAY_SOCK_RET) append(b, s.sock);
    r.str_len[0] = append_str(b, s.str0);
    r.str_len[1] = append_str(b, s.str1);
    append_str(b, s.fspath);
    b.insert(b.end(), s.data.begin(), s.data.end());
    r.data_len = static_cast<uint16_t>(s.data.size());
    r.h.size = static_cast<uint32_t>(b.size());
    std::memcpy(b.data(), &r, sizeof r);
    return b;
}

struct ExecRec {
    const char* syscall = "execve";
    uint32_t tid = kPid, pid = kPid, ppid = 1;
    uint32_t uid = 1000, gid = 1001, loginuid = 1000, tty = 34816, exe_flags = 0;
    uint64_t cap_effective = 0, fdlimit = 1024, exe_ino = 777;
    std::string comm = "myprog";
    std::optional<std::string> filename = "/usr/bin/myprog";
    std::optional<std::string> argv = "myprog\0-v\0x y"s;  // NUL-separated
    std::optional<std::string> cwd = "/home/u";
    std::optional<std::string> exepath = "/usr/bin/myprog";
    std::optional<std::string> env = std::nullopt;  // NUL-separated
    uint16_t cut_flags = 0;                         // SENSOR_EXEC_*_CUT
    uint64_t ts = 5000;
};

inline Bytes build(const ExecRec& e) {
    sensor_exec r{};
    r.h.ts_ns = e.ts;
    r.h.tid = e.tid;
    r.h.pid = e.pid;
    r.h.kind = SENSOR_REC_PROC_EXEC;
    r.h.nr = nr_of(e.syscall);
    r.ppid = e.ppid;
    r.uid = e.uid;
    r.gid = e.gid;
    r.loginuid = e.loginuid;
    r.tty = e.tty;
    r.exe_flags = e.exe_flags;
    r.cap_effective = e.cap_effective;
    r.fdlimit = e.fdlimit;
    r.exe_ino = e.exe_ino;
    std::memcpy(r.comm, e.comm.data(), std::min(e.comm.size(), sizeof r.comm));
    Bytes b(sizeof r);
    r.filename_len = append_str(b, e.filename);
    r.argv_len = append_str(b, e.argv);
    r.cwd_len = append_str(b, e.cwd);
    r.exepath_len = append_str(b, e.exepath);
    r.env_len = append_str(b, e.env);
    r.cut_flags = e.cut_flags;
    r.h.size = static_cast<uint32_t>(b.size());
    std::memcpy(b.data(), &r, sizeof r);
    return b;
}

inline Bytes proc_event(uint16_t kind, uint32_t tid, uint32_t pid, uint32_t child_tid = 0,
                        uint32_t child_pid = 0, uint32_t exit_code = 0) {
    sensor_proc_event r{};
    r.h.ts_ns = 9000;
    r.h.tid = tid;
    r.h.pid = pid;
    r.h.kind = kind;
    r.h.size = sizeof r;
    r.child_tid = child_tid;
    r.child_pid = child_pid;
    r.exit_code = exit_code;
    Bytes b(sizeof r);
    std::memcpy(b.data(), &r, sizeof r);
    return b;
}

inline sensor_file_section regular_file(uint32_t f_flags) {
    sensor_file_section f{};
    f.f_flags = f_flags;
    f.i_mode = 0100644;
    f.dev = 0x803;
    f.ino = 4242;
    return f;
}

// A parameter's text, copied (the event's views die at the next decode).
inline std::string text(const fields::Event* ev, std::string_view name) {
    const auto* p = ev ? ev->param(name) : nullptr;
    return p ? std::string(p->text) : "<missing " + std::string(name) + ">";
}

// What evt.arg.NAME gives: Falco's resolved form when the parameter has one, else the text.
inline std::string arg_value(const fields::Event* ev, std::string_view name) {
    const auto* p = ev ? ev->param(name) : nullptr;
    if (!p) return "<missing " + std::string(name) + ">";
    return std::string(p->resolved.empty() ? p->text : p->resolved);
}

inline std::string make_temp_dir() {
    std::string tmpl = ::testing::TempDir() + "decoder-proc-XXXXXX";
    if (!mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp failed";
    return tmpl;
}

class RecordDecoderTest : public ::testing::Test {
  protected:
    ~RecordDecoderTest() override { std::filesystem::remove_all(root_); }

    const fields::Event* decode(const Bytes& b) { return dec_.decode(b.data(), b.size()); }
    // The process every test runs in: pid 100, cwd /home/u/.
    void start_process() {
        ASSERT_NE(decode(build(ExecRec{})), nullptr);
        ASSERT_NE(procs_.find(kPid), nullptr);
    }
    // A successful openat of `path` (kernel and user path alike) returning fd.
    const fields::Event* open_file(int64_t fd, const std::string& path, uint32_t flags) {
        SyscallRec r;
        r.ret = fd;
        r.args = {kAtFdcwd, 0x7ffd0000, flags, 0};
        r.file = regular_file(flags);
        r.str0 = path;
        r.str1 = path;
        return decode(build(r));
    }

    // What /proc (root_) shows for the test process's fd.
    void proc_fd_link(int fd, const std::string& target) {
        std::string dir = root_ + "/" + std::to_string(kPid) + "/fd";
        std::filesystem::create_directories(dir);
        std::filesystem::create_symlink(target, dir + "/" + std::to_string(fd));
    }

    // The probe's CLOCK_BOOTTIME stamp an event was given, as near as the test can tell: the
    // decoder adds the boot-to-epoch offset it read when it was made, the test reads it again
    // (equal but for the time between two clock readings, and clock steps).
    static int64_t boot_ts(const fields::Event* ev) {
        auto ns = [](clockid_t id) {
            timespec ts{};
            clock_gettime(id, &ts);
            return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
        };
        return static_cast<int64_t>(ev->ts) - (ns(CLOCK_REALTIME) - ns(CLOCK_BOOTTIME));
    }
    static constexpr double kClockSlackNs = 10e6;

    std::string root_ = make_temp_dir();
    state::ContainerTable containers_;
    // Users and groups from root_'s passwd and group files (none unless a test writes them).
    state::UserTable users_{root_ + "/passwd", root_ + "/group"};
    state::ProcessTable procs_{containers_, &users_};
    state::FdTable fds_{root_};
    capture::RecordDecoder dec_{procs_, fds_, root_};
};

}  // namespace sensor::testing
