// Fixture lines replayed through the live path: each line's state (processes, fd, container)
// becomes the state operations a /proc bootstrap performs, its event becomes the probe record
// the kernel would have sent, and the record goes through the same RecordDecoder and state
// tables as live capture. Each decoded event is then copied, with the state it points into,
// into the FixtureSet, so events stay valid after later lines change the tables.
#include "sensor/capture/fixture_events.h"

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include "fixture_spec.h"
#include "record.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/capture/record_values.h"
#include "sensor/events/param_parse.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"

namespace sensor::capture {
namespace {

using fixture::ArgSpec;
using fixture::LineSpec;
using fixture::ProcSpec;
using state::ContainerInfo;
using state::FdInfo;
using state::FdType;
using state::ProcessInfo;
using Bytes = std::vector<unsigned char>;

// Replay never reads the host's /proc: a thread or fd the fixture did not describe is unknown.
constexpr const char* kNoProc = "/nonexistent/sensor-replay-proc";
constexpr int kMaxAncestry = 64;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

template <typename T>
void append(Bytes& b, const T& v) {
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    b.insert(b.end(), p, p + sizeof v);
}

// Appends s with its NUL; returns the length a record announces (0: absent).
uint16_t append_str(Bytes& b, std::string_view s) {
    if (s.empty()) return 0;
    size_t n = std::min(s.size(), size_t{SENSOR_STR_MAX - 1});
    b.insert(b.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
    b.push_back(0);
    return static_cast<uint16_t>(n + 1);
}

sensor_record_header header(uint8_t kind, uint32_t nr, const LineSpec& line) {
    sensor_record_header h{};
    h.ts_ns = line.ts;  // the decoder adds no clock offset in replay
    h.tid = static_cast<uint32_t>(line.tid);
    h.pid = static_cast<uint32_t>(line.pid);
    h.kind = kind & 0xf;
    h.nr = nr & 0xfff;
    return h;
}

void set_size(Bytes& b) {
    auto size = static_cast<uint16_t>(b.size());
    std::memcpy(b.data() + offsetof(sensor_record_header, size), &size, sizeof size);
}

uint32_t syscall_nr(const LineSpec& line) {
    auto nr = events::syscall_number(line.type_name);
    if (!nr || *nr >= SENSOR_MAX_SYSCALLS)
        fail("\"" + line.type_name + "\" is no syscall of this architecture");
    return *nr;
}

// The raw value of a parameter the line gives: its raw number, or its text parsed back.
int64_t raw_arg(const ArgSpec& a, events::Fmt fmt) {
    if (a.has_raw) return a.raw;
    if (auto v = events::parse_param(fmt, a.text)) return *v;
    fail("args." + a.name + ": \"" + a.text + "\" is not a value of this parameter");
}

// What the probe reads of an opened or described file: the line's fd, else nothing known.
sensor_file_section file_section(const LineSpec& line, const events::SyscallEntry& s) {
    sensor_file_section f{};
    if (const ArgSpec* flags = line.arg("flags"); flags && flags->has_raw)
        f.f_flags = static_cast<uint32_t>(flags->raw);
    if (!line.fd) return f;
    const FdInfo& fd = line.fd->info;
    bool opened = s.payload == SENSOR_PAY_FD_FILE || line.res >= 0;
    f.i_mode = opened ? mode_of_fd_type(fd.type) : 0;
    if (fd.type == FdType::Memfd) f.file_flags |= SENSOR_FILE_MEMFD;
    if (line.fd->has_flags) f.f_flags = fd.open_flags;
    f.dev = fd.dev;
    f.ino = fd.ino;
    return f;
}

// The socket's ends as the probe reads them: local and remote, from the line's fd (the
// client end is local unless the fd is the server's). The decoder then derives fd.connected
// and the tuple from them, as it does live.
sensor_sock_section sock_section(const LineSpec& line) {
    sensor_sock_section s{};
    if (!line.fd) return s;
    const FdInfo& fd = line.fd->info;
    s.family = family_of_fd_type(fd.type);
    if (fd.type != FdType::Ipv4 && fd.type != FdType::Ipv6) return s;
    s.proto = ip_proto_of_l4proto(fd.l4proto);
    bool server = fd.is_server;
    const auto& local = server ? fd.sip : fd.cip;
    const auto& remote = server ? fd.cip : fd.sip;
    std::memcpy(s.saddr, local.bytes.data(), 16);
    std::memcpy(s.daddr, remote.bytes.data(), 16);
    s.sport = server ? fd.sport : fd.cport;
    // The kernel knows the remote end once a connect started (EINPROGRESS included).
    s.dport = remote.valid() ? (server ? fd.cport : fd.sport) : 0;
    return s;
}

// The strings of a syscall record: the parameters read from user memory, and for records
// that describe a file its kernel path (the line's fd name).
void syscall_strings(const LineSpec& line, const events::SyscallEntry& s, std::string_view out[2]) {
    for (const events::ParamSpec& p : s.params) {
        const ArgSpec* a = line.arg(p.name);
        if (!a) continue;
        if (p.src == events::Src::Str0) out[0] = a->text;
        if (p.src == events::Src::Str1) out[1] = a->text;
    }
    bool file = s.payload == SENSOR_PAY_NEW_FILE || s.payload == SENSOR_PAY_FD_FILE;
    if (file) out[1] = line.fd ? std::string_view(line.fd->info.name) : std::string_view{};
}

// The raw arguments of a syscall with a parameter schema, from the line's parameters. The fd
// argument of an event about an fd defaults to the line's fd.
void schema_args(const LineSpec& line, const events::SyscallEntry& s, uint64_t args[6]) {
    if (s.args.fd < 6 && line.fd) args[s.args.fd] = static_cast<uint64_t>(line.fd->info.num);
    for (const events::ParamSpec& p : s.params) {
        if (p.src < events::Src::Arg0 || p.src > events::Src::Arg5) continue;
        if (const ArgSpec* a = line.arg(p.name))
            args[static_cast<int>(p.src) - static_cast<int>(events::Src::Arg0)] =
                static_cast<uint64_t>(raw_arg(*a, p.fmt));
    }
}

// A syscall without a schema has its six raw arguments, as the decoder reports them.
void raw_args(const LineSpec& line, uint64_t args[6]) {
    for (const ArgSpec& a : line.args) {
        if (a.name.size() != 4 || !a.name.starts_with("arg") || a.name[3] < '0' ||
            a.name[3] > '5' || !a.has_raw)
            fail("args." + a.name + ": \"" + line.type_name +
                 "\" has no parameter schema; give arg0..arg5 as integers");
        args[a.name[3] - '0'] = static_cast<uint64_t>(a.raw);
    }
}

// The I/O data of a call that has some (args.data, as text), cut at the probe's largest
// snaplen as the probe would.
void append_data(Bytes& b, const LineSpec& line, const events::SyscallEntry* s) {
    const ArgSpec* d = s && events::has_io_data(*s) ? line.arg("data") : nullptr;
    if (!d) return;
    std::string_view data = std::string_view(d->text).substr(0, SENSOR_DATA_MAX);
    b.insert(b.end(), data.begin(), data.end());
    auto len = static_cast<uint16_t>(data.size());
    std::memcpy(b.data() + offsetof(sensor_syscall_exit, data_len), &len, sizeof len);
}

Bytes syscall_record(const LineSpec& line, const events::SyscallEntry* s) {
    bool schema = s && s->has_schema();
    uint64_t args[6] = {};
    if (schema)
        schema_args(line, *s, args);
    else
        raw_args(line, args);
    sensor_syscall_exit r{};
    r.h = header(SENSOR_REC_SYSCALL_EXIT, syscall_nr(line), line);
    r.ret = line.res;
    r.nargs = s ? events::args_needed(*s) : 6;
    r.payload = s ? s->payload : uint8_t{SENSOR_PAY_ARGS};
    std::string_view str[2];
    if (schema) syscall_strings(line, *s, str);
    Bytes b;
    append(b, r);
    for (int i = 0; i < r.nargs; ++i) append(b, args[i]);
    if (r.payload == SENSOR_PAY_NEW_FILE || r.payload == SENSOR_PAY_FD_FILE)
        append(b, file_section(line, *s));
    if (r.payload == SENSOR_PAY_SOCK_ARG0 || r.payload == SENSOR_PAY_SOCK_RET)
        append(b, sock_section(line));
    uint16_t lens[2] = {append_str(b, str[0]), append_str(b, str[1])};
    std::memcpy(b.data() + offsetof(sensor_syscall_exit, str_len), lens, sizeof lens);
    append_data(b, line, s);
    set_size(b);
    return b;
}

uint32_t exe_flags(const ProcessInfo& p) {
    return (p.exe_writable ? SENSOR_FILE_WRITABLE : 0u) |
           (p.exe_upper_layer ? SENSOR_FILE_UPPER_LAYER : 0u) |
           (p.exe_lower_layer ? SENSOR_FILE_LOWER_LAYER : 0u) |
           (p.exe_from_memfd ? SENSOR_FILE_MEMFD : 0u);
}

// A successful exec: what the probe reads of the new program, from the line's process.
Bytes exec_record(const LineSpec& line) {
    if (line.procs.empty()) fail("an execve that succeeded needs \"proc\" (the new program)");
    const ProcessInfo& p = line.procs.back().info;
    sensor_exec r{};
    r.h = header(SENSOR_REC_PROC_EXEC, syscall_nr(line), line);
    r.ppid = static_cast<uint32_t>(p.ppid);
    r.uid = p.uid;
    r.gid = p.gid;
    r.loginuid = p.loginuid;
    r.tty = p.tty;
    r.exe_flags = exe_flags(p);
    r.vpid = static_cast<uint32_t>(p.vpid);
    r.vtid = static_cast<uint32_t>(p.vtid);
    r.sid = static_cast<uint32_t>(p.sid);
    r.vpgid = static_cast<uint32_t>(p.vpgid);
    r.cap_inheritable = p.cap_inheritable;
    r.cap_permitted = p.cap_permitted;
    r.cap_effective = p.cap_effective;
    r.exe_ino = p.exe_ino;
    r.exe_ctime_ns = p.exe_ino_ctime;
    r.exe_mtime_ns = p.exe_ino_mtime;
    r.start_boot_ns = p.start_ts;
    r.fdlimit = p.fdlimit;
    std::strncpy(r.comm, p.name.c_str(), sizeof r.comm - 1);
    std::string argv = p.exe;
    for (const auto& a : p.argv) argv.append(1, '\0').append(a);
    const ArgSpec* filename = line.arg("filename");
    Bytes b;
    append(b, r);
    r.filename_len = append_str(b, filename ? std::string_view(filename->text) : p.exepath);
    r.argv_len = append_str(b, argv);
    r.cwd_len = append_str(b, p.cwd);
    r.exepath_len = append_str(b, p.exepath);
    std::string env;
    for (const auto& e : p.env) env.append(e).append(1, '\0');
    r.env_len = append_str(b, env);
    std::memcpy(b.data() + offsetof(sensor_exec, filename_len), &r.filename_len,
                sizeof r - offsetof(sensor_exec, filename_len));
    set_size(b);
    return b;
}

// A task's creation (clone/fork in the parent with the child's id) or exit (procexit).
Bytes proc_record(const LineSpec& line, uint8_t kind, int64_t child, uint32_t exit_code) {
    sensor_proc_event r{};
    r.h = header(kind, 0, line);
    r.child_tid = r.child_pid = static_cast<uint32_t>(child);
    r.exit_code = exit_code;
    Bytes b;
    append(b, r);
    set_size(b);
    return b;
}

// procexit: no syscall, the probe's exit record.
bool is_task_exit(const LineSpec& line) {
    return line.type_name == "procexit";
}
bool is_exec(const LineSpec& line) {
    const events::SyscallEntry* e = events::syscall_entry_by_type(line.type);
    return e && e->handler == events::Handler::Exec;
}
bool is_fork(const LineSpec& line) {
    const events::SyscallEntry* e = events::syscall_entry_by_type(line.type);
    return e && e->has(events::sysflag::kNewTask);
}

// The records the kernel would have sent for the line's event, in order.
std::vector<Bytes> records_of(const LineSpec& line) {
    if (is_task_exit(line)) {
        const ArgSpec* status = line.arg("status");
        uint32_t code = status ? static_cast<uint32_t>(raw_arg(*status, events::Fmt::Int)) : 0;
        return {proc_record(line, SENSOR_REC_PROC_EXIT, 0, code)};
    }
    if (is_exec(line) && line.res == 0) return {exec_record(line)};
    std::vector<Bytes> out;
    if (is_fork(line) && line.res > 0)
        out.push_back(proc_record(line, SENSOR_REC_PROC_FORK, line.res, 0));
    out.push_back(syscall_record(line, events::syscall_entry(line.type_name)));
    return out;
}

class Replay {
  public:
    explicit Replay(FixtureSet& set) : set_(set) { decoder_.set_boot_to_epoch_ns(0); }

    void line(const LineSpec& line) {
        if (!events::is_syscall(line.type) && !is_task_exit(line)) {
            set_.events.push_back(direct_event(line));  // no record carries it (container ...)
            return;
        }
        const ContainerInfo* container = put_container(line);
        put_processes(line, container);
        put_fd(line);
        const fields::Event* ev = nullptr;
        for (const Bytes& r : records_of(line)) ev = decoder_.decode(r.data(), r.size());
        if (!ev) fail("the decoder made no event of this line");
        put_exec_identity(line);
        set_.events.push_back(snapshot(*ev, line, container));
        decoder_.finish();
    }

  private:
    const ContainerInfo* put_container(const LineSpec& line) {
        if (!line.container) return nullptr;
        auto [it, fresh] = containers_.try_emplace(line.container->full_id, nullptr);
        if (fresh) it->second = &container_store_.emplace_back();
        *it->second = *line.container;
        return it->second;
    }

    // The line's processes as a /proc bootstrap would find them: inserted whole, then linked
    // to their parents by ppid. An exec with no ancestry given, by a thread the replay knows,
    // keeps the thread's state (its ancestry from an earlier clone): the exec record updates it.
    void put_processes(const LineSpec& line, const ContainerInfo* container) {
        bool exec = is_exec(line) && line.res == 0;
        for (const ProcSpec& s : line.procs) {
            bool known_thread = &s == &line.procs.back() && procs_.find(s.info.tid);
            if (exec && line.procs.size() == 1 && known_thread) {
                procs_.find_mut(s.info.tid)->container = container;
                continue;
            }
            ProcessInfo* p = procs_.insert(s.info.tid);
            *p = s.info;
            p->container = container;
            set_identity(*p, s);
        }
        if (!line.procs.empty()) procs_.link_parents();
    }

    void set_identity(ProcessInfo& p, const ProcSpec& s) {
        p.user = s.user ? &user_store_.emplace_back(*s.user) : nullptr;
        p.group = s.group ? &group_store_.emplace_back(*s.group) : nullptr;
        p.loginuser = s.loginuser ? &user_store_.emplace_back(*s.loginuser) : nullptr;
    }

    // After an exec the program's identities are the line's (the record carries ids only).
    void put_exec_identity(const LineSpec& line) {
        if (line.procs.empty() || !is_exec(line) || line.res != 0) return;
        if (ProcessInfo* p = procs_.find_mut(line.tid)) set_identity(*p, line.procs.back());
    }

    void put_fd(const LineSpec& line) {
        if (!line.fd || line.fd->info.num < 0 || line.pid == 0) return;
        if (FdInfo* f = fds_.put(line.pid, line.fd->info.num)) *f = line.fd->info;
    }

    fields::Event direct_event(const LineSpec& line);
    fields::Event snapshot(const fields::Event& ev, const LineSpec& line,
                           const ContainerInfo* container);
    const ProcessInfo* copy_process(const ProcessInfo* p, int depth);
    const ContainerInfo* copy_container(const ContainerInfo* c);
    std::string_view keep(std::string_view s) { return set_.strings.emplace_back(s); }

    FixtureSet& set_;
    state::ContainerTable container_table_;
    state::ProcessTable procs_{container_table_, nullptr};
    state::FdTable fds_{kNoProc};
    RecordDecoder decoder_{procs_, fds_, kNoProc};
    std::unordered_map<std::string, ContainerInfo*> containers_;
    std::deque<ContainerInfo> container_store_;
    std::deque<state::UserInfo> user_store_;
    std::deque<state::GroupInfo> group_store_;
    std::unordered_map<const ContainerInfo*, const ContainerInfo*> copied_;  // per snapshot
};

const ContainerInfo* Replay::copy_container(const ContainerInfo* c) {
    if (!c) return nullptr;
    auto [it, fresh] = copied_.try_emplace(c, nullptr);
    if (fresh) it->second = &set_.containers.emplace_back(*c);
    return it->second;
}

const ProcessInfo* Replay::copy_process(const ProcessInfo* p, int depth) {
    if (!p || depth > kMaxAncestry) return nullptr;
    ProcessInfo& c = set_.processes.emplace_back(*p);
    c.parent = copy_process(p->parent, depth + 1);
    c.container = copy_container(p->container);
    if (p->user) c.user = &set_.users.emplace_back(*p->user);
    if (p->loginuser) c.loginuser = &set_.users.emplace_back(*p->loginuser);
    if (p->group) c.group = &set_.groups.emplace_back(*p->group);
    return &c;
}

// The decoded event with what it points at copied out of the tables. The line's number,
// cpu and direction are its own: the probe records exits only, and numbers events itself.
fields::Event Replay::snapshot(const fields::Event& ev, const LineSpec& line,
                               const ContainerInfo* container) {
    fields::Event out = ev;
    for (uint16_t i = 0; i < out.param_count; ++i) {
        out.params[i].name = keep(ev.params[i].name);
        out.params[i].text = keep(ev.params[i].text);
        if (!ev.params[i].resolved.empty()) out.params[i].resolved = keep(ev.params[i].resolved);
    }
    if (ev.has_buffer) out.buffer = keep(ev.buffer);
    // The replay's tables die with it: stored events read no table (as a hand-built event).
    out.fds = nullptr;
    out.threads = nullptr;
    out.proc_root = nullptr;
    // A line with no thread describes an event of no known process.
    copied_.clear();
    out.proc = line.tid == 0 ? nullptr : copy_process(ev.proc, 0);
    out.fd = ev.fd ? &set_.fds.emplace_back(*ev.fd) : nullptr;
    // The process's container (the decoder leaves the event's own unset), else the line's.
    out.container = out.proc ? out.proc->container : copy_container(container);
    out.num = line.num;
    out.ts = line.ts;
    out.cpu = line.cpu;
    out.dir = line.enter ? fields::EventDir::Enter : fields::EventDir::Exit;
    out.has_res = line.has_res;
    return out;
}

// Events of no syscall (container, ...): the line as it is written.
fields::Event Replay::direct_event(const LineSpec& line) {
    fields::Event ev;
    ev.type = line.type;
    ev.num = line.num;
    ev.ts = line.ts;
    ev.cpu = line.cpu;
    ev.res = line.res;
    ev.has_res = line.has_res;
    ev.dir = line.enter ? fields::EventDir::Enter : fields::EventDir::Exit;
    for (const ArgSpec& a : line.args) {
        fields::EventParam& p = ev.params[ev.param_count++];
        p.name = keep(a.name);
        p.text = keep(a.text);
        p.raw = a.raw;
        p.has_raw = a.has_raw;
    }
    if (line.container) ev.container = &set_.containers.emplace_back(*line.container);
    return ev;
}

bool skippable(const std::string& line) {
    size_t i = line.find_first_not_of(" \t\r");
    return i == std::string::npos || line[i] == '#';
}

}  // namespace

FixtureSet load_fixture_events(std::istream& in, const std::string& source_name) {
    FixtureSet set;
    Replay replay(set);
    std::string text;
    size_t line_no = 0;
    uint64_t prev_ts = 0;
    while (std::getline(in, text)) {
        ++line_no;
        if (skippable(text)) continue;
        try {
            LineSpec line = fixture::parse_line(text, prev_ts, set.events.size());
            prev_ts = line.ts;
            replay.line(line);
        } catch (const std::exception& e) {
            throw std::runtime_error(source_name + ":" + std::to_string(line_no) + ": " + e.what());
        }
    }
    return set;
}

FixtureSet load_fixture_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ":0: cannot open file");
    return load_fixture_events(in, path);
}

}  // namespace sensor::capture
