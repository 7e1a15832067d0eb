#include "sensor/capture/fixture_spec.h"

#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sensor/capture/record_values.h"
#include "sensor/events/capabilities.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/events/syscall_table.h"
#include "sensor/fields/event.h"
#include "sensor/state/container_mounts.h"
#include "sensor/state/image_name.h"

namespace sensor::capture::fixture {
namespace {

// Ordered so that "args" keep the order they are written in (evt.args, evt.arg[N]).
using Json = nlohmann::ordered_json;
using state::ContainerInfo;
using state::FdInfo;
using state::FdType;
using state::L4Proto;
using state::ProcessInfo;

constexpr uint64_t kFirstTs = 1700000000000000000ULL;
constexpr uint64_t kTsStep = 1000;
constexpr int kMaxAncestry = 64;

uint32_t implied_open_flags(events::EventTypeId type) {
    const events::SyscallEntry* e = events::syscall_entry_by_type(type);
    return e ? e->implied_open_flags : 0;
}
[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

std::string key_path(std::string_view where, std::string_view key) {
    return where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
}

void check_object(const Json& j, std::string_view where) {
    if (!j.is_object()) fail(std::string(where.empty() ? "line" : where) + ": expected an object");
}

// Rejects keys outside `allowed`, so that a misspelt key is an error, not a silent default.
void check_keys(const Json& j, std::string_view where,
                std::initializer_list<std::string_view> allowed) {
    check_object(j, where);
    for (const auto& [k, v] : j.items()) {
        bool ok = false;
        for (auto a : allowed) ok = ok || a == k;
        if (!ok) fail("unknown key \"" + key_path(where, k) + "\"");
    }
}

const Json* member(const Json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

int64_t get_int(const Json& j, const char* key, std::string_view where, int64_t def) {
    const Json* v = member(j, key);
    if (!v) return def;
    if (!v->is_number_integer()) fail(key_path(where, key) + ": expected an integer");
    if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))
        fail(key_path(where, key) + ": out of range");
    return v->get<int64_t>();
}

uint64_t get_uint(const Json& j, const char* key, std::string_view where, uint64_t def) {
    const Json* v = member(j, key);
    if (!v) return def;
    if (!v->is_number_integer() || (!v->is_number_unsigned() && v->get<int64_t>() < 0))
        fail(key_path(where, key) + ": expected a non-negative integer");
    return v->get<uint64_t>();
}

std::string get_str(const Json& j, const char* key, std::string_view where,
                    const std::string& def = {}) {
    const Json* v = member(j, key);
    if (!v) return def;
    if (!v->is_string()) fail(key_path(where, key) + ": expected a string");
    return v->get<std::string>();
}

bool get_bool(const Json& j, const char* key, std::string_view where, bool def = false) {
    const Json* v = member(j, key);
    if (!v) return def;
    if (!v->is_boolean()) fail(key_path(where, key) + ": expected true or false");
    return v->get<bool>();
}

std::vector<std::string> get_str_list(const Json& j, const char* key, std::string_view where) {
    std::vector<std::string> out;
    const Json* v = member(j, key);
    if (!v) return out;
    if (!v->is_array()) fail(key_path(where, key) + ": expected an array of strings");
    for (const Json& e : *v) {
        if (!e.is_string()) fail(key_path(where, key) + ": expected an array of strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

std::map<std::string, std::string> get_str_map(const Json& j, const char* key,
                                               std::string_view where) {
    std::map<std::string, std::string> out;
    const Json* v = member(j, key);
    if (!v) return out;
    if (!v->is_object()) fail(key_path(where, key) + ": expected an object of strings");
    for (const auto& [k, e] : v->items()) {
        if (!e.is_string()) fail(key_path(where, key) + "." + k + ": expected a string");
        out.emplace(k, e.get<std::string>());
    }
    return out;
}

// A capability set: "CAP_A CAP_B", ["CAP_A", "CAP_B"] or the numeric mask.
uint64_t get_caps(const Json& j, const char* key, std::string_view where) {
    const Json* v = member(j, key);
    if (!v) return 0;
    std::string text;
    if (v->is_number_integer()) return get_uint(j, key, where, 0);
    if (v->is_string()) {
        text = v->get<std::string>();
    } else if (v->is_array()) {
        for (const auto& s : get_str_list(j, key, where)) text.append(s).append(" ");
    } else {
        fail(key_path(where, key) + ": expected CAP_ names or a mask");
    }
    auto mask = events::parse_capabilities(text);
    if (!mask) fail(key_path(where, key) + ": unknown capability in \"" + text + "\"");
    return *mask;
}

std::string basename_of(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

FdType fd_type_of(const std::string& name, std::string_view where) {
    if (auto t = state::fd_type_from_name(name)) return *t;
    fail(key_path(where, "type") + ": unknown fd type \"" + name + "\"");
}

L4Proto l4proto_of(const std::string& name, std::string_view where) {
    if (auto p = state::l4proto_from_name(name)) return *p;
    fail(key_path(where, "l4proto") + ": expected tcp, udp, icmp or raw");
}

fields::IpAddr get_ip(const Json& j, const char* key, std::string_view where) {
    std::string s = get_str(j, key, where);
    if (s.empty()) return {};
    auto ip = fields::IpAddr::parse(s);
    if (!ip) fail(key_path(where, key) + ": not an IP address: \"" + s + "\"");
    return *ip;
}

uint32_t get_open_flags(const Json& j, const char* key, std::string_view where) {
    const Json* v = member(j, key);
    if (!v) return 0;
    if (v->is_number_integer()) return static_cast<uint32_t>(get_uint(j, key, where, 0));
    auto flags = events::oflags::parse_open_flags(get_str(j, key, where));
    if (!flags)
        fail(key_path(where, key) + ": unknown open flag in \"" + v->get<std::string>() + "\"");
    return *flags;
}

ContainerInfo parse_container(const Json& j) {
    const char* w = "container";
    check_keys(j, w,
               {"id",
                "full_id",
                "name",
                "type",
                "image",
                "image_repository",
                "image_tag",
                "image_digest",
                "image_id",
                "privileged",
                "start_ts",
                "labels",
                "mounts",
                "k8s_pod_name",
                "k8s_ns_name",
                "k8s_pod_uid",
                "k8s_pod_sandbox_id",
                "k8s_pod_labels",
                "ip",
                "cni_json",
                "host_pid",
                "host_network",
                "host_ipc"});
    ContainerInfo c;
    c.full_id = get_str(j, "full_id", w);
    c.id = get_str(j, "id", w, c.full_id.substr(0, 12));
    if (c.id.empty()) fail("container: \"id\" or \"full_id\" is required");
    if (c.full_id.empty()) c.full_id = c.id;
    c.name = get_str(j, "name", w);
    c.type = get_str(j, "type", w);
    c.image = get_str(j, "image", w);
    state::ImageName image = state::parse_image_name(c.image);
    c.image_repository = get_str(j, "image_repository", w, image.repository);
    c.image_tag = get_str(j, "image_tag", w, image.tag);
    c.image_digest = get_str(j, "image_digest", w, image.digest);
    c.image_id = get_str(j, "image_id", w);
    if (member(j, "privileged")) c.privileged = get_bool(j, "privileged", w) ? 1 : 0;
    c.start_ts = get_uint(j, "start_ts", w, 0);
    c.labels = get_str_map(j, "labels", w);
    c.mounts = get_str(j, "mounts", w);
    c.mount_list = state::parse_mounts(c.mounts);
    c.ip = get_str(j, "ip", w);
    c.cni_json = get_str(j, "cni_json", w);
    if (member(j, "host_pid")) c.host_pid = get_bool(j, "host_pid", w) ? 1 : 0;
    if (member(j, "host_network")) c.host_network = get_bool(j, "host_network", w) ? 1 : 0;
    if (member(j, "host_ipc")) c.host_ipc = get_bool(j, "host_ipc", w) ? 1 : 0;
    c.k8s_pod_name = get_str(j, "k8s_pod_name", w);
    c.k8s_ns_name = get_str(j, "k8s_ns_name", w);
    c.k8s_pod_uid = get_str(j, "k8s_pod_uid", w);
    c.k8s_pod_sandbox_id = get_str(j, "k8s_pod_sandbox_id", w);
    c.k8s_pod_labels = get_str_map(j, "k8s_pod_labels", w);
    return c;
}

void check_proc_keys(const Json& j, const std::string& w) {
    check_keys(j, w,
               {"pid",
                "tid",
                "ppid",
                "sid",
                "vpgid",
                "vpid",
                "vtid",
                "name",
                "exe",
                "exepath",
                "args",
                "cwd",
                "env",
                "uid",
                "gid",
                "user",
                "group",
                "homedir",
                "shell",
                "loginuid",
                "loginname",
                "tty",
                "cap_effective",
                "cap_permitted",
                "cap_inheritable",
                "start_ts",
                "exe_writable",
                "exe_upper_layer",
                "exe_lower_layer",
                "exe_from_memfd",
                "exe_ino",
                "exe_ino_ctime",
                "exe_ino_mtime",
                "fdlimit",
                "pidns_init_start_ts",
                "parent"});
}

void parse_ids(const Json& j, const std::string& w, ProcessInfo& p, int64_t parent_pid) {
    p.pid = get_int(j, "pid", w, 0);
    p.tid = get_int(j, "tid", w, p.pid);
    p.ppid = get_int(j, "ppid", w, parent_pid);
    p.sid = get_int(j, "sid", w, 0);
    p.vpgid = get_int(j, "vpgid", w, 0);
    p.vpid = get_int(j, "vpid", w, p.pid);
    p.vtid = get_int(j, "vtid", w, p.tid);
}

void parse_program(const Json& j, const std::string& w, ProcessInfo& p) {
    p.exepath = get_str(j, "exepath", w);
    p.exe = get_str(j, "exe", w);
    std::string fallback_name = basename_of(!p.exepath.empty() ? p.exepath : p.exe);
    p.name = get_str(j, "name", w, fallback_name);
    if (p.exe.empty()) p.exe = p.name;
    p.argv = get_str_list(j, "args", w);
    p.cwd = get_str(j, "cwd", w);
    p.env = get_str_list(j, "env", w);
    p.exe_writable = get_bool(j, "exe_writable", w);
    p.exe_upper_layer = get_bool(j, "exe_upper_layer", w);
    p.exe_lower_layer = get_bool(j, "exe_lower_layer", w);
    p.exe_from_memfd = get_bool(j, "exe_from_memfd", w);
    p.exe_ino = get_uint(j, "exe_ino", w, 0);
    p.exe_ino_ctime = get_uint(j, "exe_ino_ctime", w, 0);
    p.exe_ino_mtime = get_uint(j, "exe_ino_mtime", w, 0);
    p.fdlimit = get_uint(j, "fdlimit", w, 0);
    p.start_ts = get_uint(j, "start_ts", w, 0);
    p.pidns_init_start_ts = get_uint(j, "pidns_init_start_ts", w, 0);
}

void parse_credentials(const Json& j, const std::string& w, ProcSpec& s) {
    ProcessInfo& p = s.info;
    p.uid = static_cast<uint32_t>(get_uint(j, "uid", w, 0));
    p.gid = static_cast<uint32_t>(get_uint(j, "gid", w, 0));
    int64_t login = get_int(j, "loginuid", w, -1);
    if (login < -1 || login > int64_t(UINT32_MAX)) fail(w + ".loginuid: out of range");
    p.loginuid = login == -1 ? UINT32_MAX : static_cast<uint32_t>(login);
    p.tty = static_cast<uint32_t>(get_uint(j, "tty", w, 0));
    p.cap_effective = get_caps(j, "cap_effective", w);
    p.cap_permitted = get_caps(j, "cap_permitted", w);
    p.cap_inheritable = get_caps(j, "cap_inheritable", w);
    if (member(j, "user") || member(j, "homedir") || member(j, "shell"))
        s.user = state::UserInfo{p.uid, get_str(j, "user", w), get_str(j, "homedir", w),
                                 get_str(j, "shell", w)};
    if (member(j, "group")) s.group = state::GroupInfo{p.gid, get_str(j, "group", w)};
    if (member(j, "loginname"))
        s.loginuser = state::UserInfo{p.loginuid, get_str(j, "loginname", w), {}, {}};
}

// Appends the chain ending in the process j describes, eldest first.
void parse_procs(const Json& j, const std::string& w, int depth, std::vector<ProcSpec>& out) {
    if (depth > kMaxAncestry) fail(w + ": ancestry deeper than 64 levels");
    check_proc_keys(j, w);
    int64_t parent_pid = 0;
    if (const Json* parent = member(j, "parent")) {
        parse_procs(*parent, w + ".parent", depth + 1, out);
        parent_pid = out.back().info.pid;
    }
    ProcSpec s;
    parse_ids(j, w, s.info, parent_pid);
    parse_program(j, w, s.info);
    parse_credentials(j, w, s);
    s.info.refresh_derived();
    out.push_back(std::move(s));
}

FdSpec parse_fd(const Json& j, const LineSpec& line, uint32_t open_flags) {
    const char* w = "fd";
    check_keys(j, w,
               {"num", "type", "name", "nameraw", "flags", "name_changed", "l4proto", "cip", "sip",
                "cport", "sport", "is_server", "connected", "dev", "ino", "sockfamily"});
    FdSpec s;
    FdInfo& f = s.info;
    bool is_open = events::is_open(line.type);
    f.num = get_int(j, "num", w, is_open && line.res >= 0 ? line.res : -1);
    f.type = fd_type_of(get_str(j, "type", w, "file"), w);
    f.name = get_str(j, "name", w);
    f.nameraw = get_str(j, "nameraw", w, f.name);
    s.has_flags = member(j, "flags") != nullptr;
    f.open_flags = s.has_flags ? get_open_flags(j, "flags", w) : open_flags;
    f.name_changed = get_bool(j, "name_changed", w);
    f.cip = get_ip(j, "cip", w);
    f.sip = get_ip(j, "sip", w);
    uint64_t cport = get_uint(j, "cport", w, 0);
    uint64_t sport = get_uint(j, "sport", w, 0);
    if (cport > 65535 || sport > 65535) fail("fd: port out of range");
    f.cport = static_cast<uint16_t>(cport);
    f.sport = static_cast<uint16_t>(sport);
    f.is_server = get_bool(j, "is_server", w);
    f.connected = get_bool(j, "connected", w);
    f.dev = get_uint(j, "dev", w, 0);
    f.ino = get_uint(j, "ino", w, 0);
    bool ip = f.type == FdType::Ipv4 || f.type == FdType::Ipv6;
    if (member(j, "l4proto")) f.l4proto = l4proto_of(get_str(j, "l4proto", w), w);
    f.sockfamily = get_str(j, "sockfamily", w, std::string(sockfamily_of(f.type)));
    if (f.name.empty() && ip && (f.cip.valid() || f.sip.valid())) f.name_by_tuple();
    f.refresh_derived();
    return s;
}

ArgSpec parse_arg(const std::string& name, const Json& v, const Json& args) {
    std::string where = "args." + name;
    ArgSpec a;
    a.name = name;
    if (v.is_string()) {
        a.text = v.get<std::string>();
    } else if (v.is_number_integer()) {
        a.raw = get_int(args, name.c_str(), "args", 0);
        a.has_raw = true;
        a.text = std::to_string(a.raw);
    } else if (v.is_object()) {
        check_keys(v, where, {"text", "raw"});
        if (!member(v, "text")) fail(where + ": missing \"text\"");
        a.text = get_str(v, "text", where);
        a.has_raw = member(v, "raw") != nullptr;
        a.raw = get_int(v, "raw", where, 0);
    } else {
        fail(where + ": expected a string, an integer or {\"text\", \"raw\"}");
    }
    return a;
}

// The arguments; an open's "flags" must name known O_ flags (or carry its raw value).
void parse_args(const Json& j, LineSpec& line) {
    const Json* args = member(j, "args");
    if (!args) return;
    check_object(*args, "args");
    for (const auto& [name, v] : args->items()) {
        if (line.args.size() >= fields::kMaxEventParams) fail("args: too many arguments");
        ArgSpec a = parse_arg(name, v, *args);
        if (events::is_open(line.type) && name == "flags" && !a.has_raw) {
            auto flags = events::oflags::parse_open_flags(a.text);
            if (!flags) fail("args." + name + ": unknown open flag in \"" + a.text + "\"");
            a.raw = *flags;
            a.has_raw = true;
        }
        line.args.push_back(std::move(a));
    }
}

void parse_header(const Json& j, LineSpec& line, uint64_t prev_ts, uint64_t index) {
    const Json* type = member(j, "type");
    if (!type) fail("missing \"type\"");
    if (!type->is_string()) fail("type: expected a string");
    line.type_name = type->get<std::string>();
    auto id = events::event_type_id(line.type_name);
    if (!id) fail("unknown event type \"" + line.type_name + "\"");
    line.type = *id;
    std::string dir = get_str(j, "dir", "", "<");
    if (dir != "<" && dir != ">") fail("dir: expected \"<\" (exit) or \">\" (enter)");
    line.enter = dir == ">";
    line.ts = get_uint(j, "ts", "", index == 0 ? kFirstTs : prev_ts + kTsStep);
    line.num = get_uint(j, "num", "", index + 1);
    // Enter events carry no return value unless the fixture gives one.
    line.has_res = !line.enter || member(j, "res");
    line.res = get_int(j, "res", "", 0);
    line.cpu = get_int(j, "cpu", "", 0);
}

}  // namespace

LineSpec parse_line(const std::string& text, uint64_t prev_ts, uint64_t index) {
    Json j;
    try {
        j = Json::parse(text);
    } catch (const Json::parse_error& e) {
        fail(std::string("invalid JSON: ") + e.what());
    }
    check_keys(j, "",
               {"type", "dir", "ts", "num", "res", "cpu", "args", "proc", "fd", "container", "tid",
                "pid"});
    LineSpec line;
    parse_header(j, line, prev_ts, index);
    parse_args(j, line);
    if (const Json* c = member(j, "container")) line.container = parse_container(*c);
    if (const Json* p = member(j, "proc")) {
        if (member(j, "tid") || member(j, "pid"))
            fail("give \"proc\" or \"tid\"/\"pid\", not both");
        parse_procs(*p, "proc", 0, line.procs);
        line.tid = line.procs.back().info.tid;
        line.pid = line.procs.back().info.pid;
    } else {
        line.pid = get_int(j, "pid", "", 0);
        line.tid = get_int(j, "tid", "", line.pid);
        if (line.pid == 0) line.pid = line.tid;
    }
    uint32_t open_flags = implied_open_flags(line.type);
    if (const ArgSpec* flags = line.arg("flags"); flags && events::is_open(line.type))
        open_flags = static_cast<uint32_t>(flags->raw);
    if (const Json* f = member(j, "fd")) line.fd = parse_fd(*f, line, open_flags);
    return line;
}

}  // namespace sensor::capture::fixture
