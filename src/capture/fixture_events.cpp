#include "sensor/capture/fixture_events.h"

#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sensor/events/capabilities.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"

namespace sensor::capture {
namespace {

// Ordered so that "args" keep the order they are written in (evt.args, evt.arg[N]).
using Json = nlohmann::ordered_json;
using fields::Event;
using state::ContainerInfo;
using state::FdInfo;
using state::FdType;
using state::L4Proto;
using state::ProcessInfo;

constexpr uint64_t kFirstTs = 1700000000000000000ULL;
constexpr uint64_t kTsStep = 1000;
constexpr int kMaxAncestry = 64;

// Problems found inside one line; the loader adds "<source>:<line>: " in front.
struct LineError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[noreturn]] void fail(const std::string& what) {
    throw LineError(what);
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

FdType fd_type_from_name(const std::string& name, std::string_view where) {
    static constexpr std::pair<std::string_view, FdType> kTypes[] = {
        {"file", FdType::File},
        {"directory", FdType::Directory},
        {"ipv4", FdType::Ipv4},
        {"ipv6", FdType::Ipv6},
        {"unix", FdType::Unix},
        {"pipe", FdType::Pipe},
        {"event", FdType::Event},
        {"signalfd", FdType::Signalfd},
        {"eventpoll", FdType::Eventpoll},
        {"inotify", FdType::Inotify},
        {"timerfd", FdType::Timerfd},
        {"netlink", FdType::Netlink},
        {"bpf", FdType::Bpf},
        {"userfaultfd", FdType::Userfaultfd},
        {"io_uring", FdType::IoUring},
        {"memfd", FdType::Memfd},
        {"pidfd", FdType::Pidfd},
        {"unknown", FdType::Unknown},
    };
    for (const auto& [n, t] : kTypes)
        if (n == name) return t;
    fail(key_path(where, "type") + ": unknown fd type \"" + name + "\"");
}

L4Proto l4proto_from_name(const std::string& name, std::string_view where) {
    if (name == "tcp") return L4Proto::Tcp;
    if (name == "udp") return L4Proto::Udp;
    if (name == "icmp") return L4Proto::Icmp;
    if (name == "raw") return L4Proto::Raw;
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

bool is_open_like(std::string_view type) {
    return type == "open" || type == "openat" || type == "openat2" || type == "creat" ||
           type == "open_by_handle_at";
}

class Loader {
  public:
    explicit Loader(FixtureSet& set) : set_(set) {}

    void load_line(const Json& j) {
        check_keys(j, "",
                   {"type", "dir", "ts", "num", "res", "cpu", "args", "proc", "fd", "container"});
        Event ev;
        const Json* type = member(j, "type");
        if (!type) fail("missing \"type\"");
        if (!type->is_string()) fail("type: expected a string");
        std::string type_name = type->get<std::string>();
        auto id = events::event_type_id(type_name);
        if (!id) fail("unknown event type \"" + type_name + "\"");
        ev.type = *id;

        std::string dir = get_str(j, "dir", "", "<");
        if (dir != "<" && dir != ">") fail("dir: expected \"<\" (exit) or \">\" (enter)");
        ev.dir = dir == ">" ? fields::EventDir::Enter : fields::EventDir::Exit;

        ev.ts = get_uint(j, "ts", "", set_.events.empty() ? kFirstTs : prev_ts_ + kTsStep);
        prev_ts_ = ev.ts;
        ev.num = get_uint(j, "num", "", set_.events.size() + 1);
        // Enter events carry no return value unless the fixture gives one.
        ev.has_res = ev.dir == fields::EventDir::Exit || member(j, "res");
        ev.res = get_int(j, "res", "", 0);
        ev.cpu = get_int(j, "cpu", "", 0);

        load_args(j, ev, type_name);

        const ContainerInfo* ci = nullptr;
        if (const Json* c = member(j, "container")) ci = load_container(*c);
        ev.container = ci;
        if (const Json* p = member(j, "proc")) ev.proc = load_proc(*p, ci, "proc", 0);
        if (const Json* f = member(j, "fd")) {
            ev.fd = load_fd(*f, ev);
        } else if (ev.is_open_event && ev.res >= 0) {
            ev.fd = synthesize_open_fd(ev);
        }
        set_.events.push_back(ev);
    }

  private:
    std::string_view keep(std::string s) { return set_.strings.emplace_back(std::move(s)); }

    void load_args(const Json& j, Event& ev, const std::string& type_name) {
        ev.is_open_event = is_open_like(type_name);
        if (type_name == "creat") {
            using namespace events::oflags;
            ev.open_flags = kCreat | kWrOnly | kTrunc;  // what creat(2) means
        }
        const Json* args = member(j, "args");
        if (!args) return;
        check_object(*args, "args");
        for (const auto& [name, v] : args->items()) {
            if (ev.param_count >= fields::kMaxEventParams) fail("args: too many arguments");
            std::string where = "args." + name;
            fields::EventParam& p = ev.params[ev.param_count++];
            p.name = keep(name);
            if (v.is_string()) {
                p.text = keep(v.get<std::string>());
            } else if (v.is_number_integer()) {
                p.raw = get_int(*args, name.c_str(), "args", 0);
                p.has_raw = true;
                p.text = keep(std::to_string(p.raw));
            } else if (v.is_object()) {
                check_keys(v, where, {"text", "raw"});
                if (!member(v, "text")) fail(where + ": missing \"text\"");
                p.text = keep(get_str(v, "text", where));
                p.has_raw = member(v, "raw") != nullptr;
                p.raw = get_int(v, "raw", where, 0);
            } else {
                fail(where + ": expected a string, an integer or {\"text\", \"raw\"}");
            }
            if (ev.is_open_event && name == "flags") {
                auto flags = events::oflags::parse_open_flags(p.text);
                if (!flags && !p.has_raw)
                    fail(where + ": unknown open flag in \"" + std::string(p.text) + "\"");
                ev.open_flags = p.has_raw ? static_cast<uint32_t>(p.raw) : *flags;
                p.raw = ev.open_flags;
                p.has_raw = true;
            }
        }
    }

    const ContainerInfo* load_container(const Json& j) {
        const char* w = "container";
        check_keys(
            j, w,
            {"id", "full_id", "name", "type", "image", "image_repository", "image_tag",
             "image_digest", "image_id", "privileged", "start_ts", "labels", "mounts",
             "k8s_pod_name", "k8s_ns_name", "k8s_pod_uid", "k8s_pod_sandbox_id", "k8s_pod_labels"});
        ContainerInfo& c = set_.containers.emplace_back();
        c.full_id = get_str(j, "full_id", w);
        c.id = get_str(j, "id", w, c.full_id.substr(0, 12));
        if (c.id.empty()) fail("container: \"id\" or \"full_id\" is required");
        if (c.full_id.empty()) c.full_id = c.id;
        c.name = get_str(j, "name", w);
        c.type = get_str(j, "type", w);
        c.image = get_str(j, "image", w);
        split_image(c);
        c.image_repository = get_str(j, "image_repository", w, c.image_repository);
        c.image_tag = get_str(j, "image_tag", w, c.image_tag);
        c.image_digest = get_str(j, "image_digest", w, c.image_digest);
        c.image_id = get_str(j, "image_id", w);
        if (member(j, "privileged")) c.privileged = get_bool(j, "privileged", w) ? 1 : 0;
        c.start_ts = get_uint(j, "start_ts", w, 0);
        c.labels = get_str_map(j, "labels", w);
        c.mounts = get_str(j, "mounts", w);
        c.k8s_pod_name = get_str(j, "k8s_pod_name", w);
        c.k8s_ns_name = get_str(j, "k8s_ns_name", w);
        c.k8s_pod_uid = get_str(j, "k8s_pod_uid", w);
        c.k8s_pod_sandbox_id = get_str(j, "k8s_pod_sandbox_id", w);
        c.k8s_pod_labels = get_str_map(j, "k8s_pod_labels", w);
        return &c;
    }

    // "registry/repo:tag@sha256:..." -> repository, tag and digest defaults.
    static void split_image(ContainerInfo& c) {
        std::string rest = c.image;
        size_t at = rest.find('@');
        if (at != std::string::npos) {
            c.image_digest = rest.substr(at + 1);
            rest.resize(at);
        }
        size_t colon = rest.rfind(':');
        size_t slash = rest.rfind('/');
        if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
            c.image_tag = rest.substr(colon + 1);
            rest.resize(colon);
        }
        c.image_repository = rest;
    }

    ProcessInfo* load_proc(const Json& j, const ContainerInfo* ci, const std::string& w,
                           int depth) {
        if (depth > kMaxAncestry) fail(w + ": ancestry deeper than 64 levels");
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
        ProcessInfo& p = set_.processes.emplace_back();
        if (const Json* parent = member(j, "parent"))
            p.parent = load_proc(*parent, ci, w + ".parent", depth + 1);
        p.pid = get_int(j, "pid", w, 0);
        p.tid = get_int(j, "tid", w, p.pid);
        p.ppid = get_int(j, "ppid", w, p.parent ? p.parent->pid : 0);
        p.sid = get_int(j, "sid", w, 0);
        p.vpgid = get_int(j, "vpgid", w, 0);
        p.vpid = get_int(j, "vpid", w, p.pid);
        p.vtid = get_int(j, "vtid", w, p.tid);
        p.exepath = get_str(j, "exepath", w);
        p.exe = get_str(j, "exe", w);
        std::string fallback_name = basename_of(!p.exepath.empty() ? p.exepath : p.exe);
        p.name = get_str(j, "name", w, fallback_name);
        if (p.exe.empty()) p.exe = p.name;
        p.argv = get_str_list(j, "args", w);
        p.cwd = get_str(j, "cwd", w);
        p.env = get_str_list(j, "env", w);
        p.uid = static_cast<uint32_t>(get_uint(j, "uid", w, 0));
        p.gid = static_cast<uint32_t>(get_uint(j, "gid", w, 0));
        int64_t login = get_int(j, "loginuid", w, -1);
        if (login < -1 || login > int64_t(UINT32_MAX)) fail(w + ".loginuid: out of range");
        p.loginuid = login == -1 ? UINT32_MAX : static_cast<uint32_t>(login);
        p.tty = static_cast<uint32_t>(get_uint(j, "tty", w, 0));
        p.cap_effective = get_caps(j, "cap_effective", w);
        p.cap_permitted = get_caps(j, "cap_permitted", w);
        p.cap_inheritable = get_caps(j, "cap_inheritable", w);
        p.start_ts = get_uint(j, "start_ts", w, 0);
        p.exe_writable = get_bool(j, "exe_writable", w);
        p.exe_upper_layer = get_bool(j, "exe_upper_layer", w);
        p.exe_lower_layer = get_bool(j, "exe_lower_layer", w);
        p.exe_from_memfd = get_bool(j, "exe_from_memfd", w);
        p.exe_ino = get_uint(j, "exe_ino", w, 0);
        p.exe_ino_ctime = get_uint(j, "exe_ino_ctime", w, 0);
        p.exe_ino_mtime = get_uint(j, "exe_ino_mtime", w, 0);
        p.fdlimit = get_uint(j, "fdlimit", w, 0);
        p.pidns_init_start_ts = get_uint(j, "pidns_init_start_ts", w, 0);
        p.container = ci;
        if (member(j, "user") || member(j, "homedir") || member(j, "shell")) {
            auto& u = set_.users.emplace_back();
            u.uid = p.uid;
            u.name = get_str(j, "user", w);
            u.homedir = get_str(j, "homedir", w);
            u.shell = get_str(j, "shell", w);
            p.user = &u;
        }
        if (member(j, "group")) {
            auto& g = set_.groups.emplace_back();
            g.gid = p.gid;
            g.name = get_str(j, "group", w);
            p.group = &g;
        }
        if (member(j, "loginname")) {
            auto& u = set_.users.emplace_back();
            u.uid = p.loginuid;
            u.name = get_str(j, "loginname", w);
            p.loginuser = &u;
        }
        p.refresh_derived();
        return &p;
    }

    const FdInfo* load_fd(const Json& j, const Event& ev) {
        const char* w = "fd";
        check_keys(j, w,
                   {"num", "type", "name", "nameraw", "flags", "name_changed", "l4proto", "cip",
                    "sip", "cport", "sport", "is_server", "connected", "dev", "ino", "sockfamily"});
        FdInfo& f = set_.fds.emplace_back();
        f.num = get_int(j, "num", w, ev.is_open_event && ev.res >= 0 ? ev.res : -1);
        f.type = fd_type_from_name(get_str(j, "type", w, "file"), w);
        f.name = get_str(j, "name", w);
        f.nameraw = get_str(j, "nameraw", w, f.name);
        f.open_flags = member(j, "flags") ? get_open_flags(j, "flags", w) : ev.open_flags;
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
        if (member(j, "l4proto")) f.l4proto = l4proto_from_name(get_str(j, "l4proto", w), w);
        f.sockfamily =
            get_str(j, "sockfamily", w, ip ? "ip" : (f.type == FdType::Unix ? "unix" : ""));
        if (f.name.empty() && ip && (f.cip.valid() || f.sip.valid())) {
            // The connection tuple, as fd.name shows it for a socket.
            f.name = f.cip.to_string() + ":" + std::to_string(f.cport) + "->" + f.sip.to_string() +
                     ":" + std::to_string(f.sport);
        }
        f.refresh_derived();
        return &f;
    }

    // An open that succeeded without an explicit "fd": the new file fd, named after the
    // "name" argument.
    const FdInfo* synthesize_open_fd(const Event& ev) {
        const fields::EventParam* name = ev.param("name");
        if (!name) return nullptr;
        FdInfo& f = set_.fds.emplace_back();
        f.num = ev.res;
        f.type = FdType::File;
        f.name = std::string(name->text);
        f.nameraw = f.name;
        f.open_flags = ev.open_flags;
        f.refresh_derived();
        return &f;
    }

    FixtureSet& set_;
    uint64_t prev_ts_ = 0;
};

bool skippable(const std::string& line) {
    size_t i = line.find_first_not_of(" \t\r");
    return i == std::string::npos || line[i] == '#';
}

}  // namespace

FixtureSet load_fixture_events(std::istream& in, const std::string& source_name) {
    FixtureSet set;
    Loader loader(set);
    std::string line;
    size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (skippable(line)) continue;
        auto where = [&] { return source_name + ":" + std::to_string(line_no) + ": "; };
        Json j;
        try {
            j = Json::parse(line);
        } catch (const Json::parse_error& e) {
            throw std::runtime_error(where() + "invalid JSON: " + e.what());
        }
        try {
            loader.load_line(j);
        } catch (const LineError& e) {
            throw std::runtime_error(where() + e.what());
        } catch (const Json::exception& e) {
            throw std::runtime_error(where() + e.what());
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
