#include "snapshot.h"

#include <nlohmann/json.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "sensor/state/container_table.h"

namespace sensor::capfile {
namespace {

using Json = nlohmann::json;
using state::ContainerInfo;
using state::FdInfo;
using state::ProcessInfo;

Json ip_json(const state::IpAddr& a) {
    return a.valid() ? Json(a.to_string()) : Json(nullptr);
}

state::IpAddr ip_of(const Json& j) {
    if (j.is_null()) return {};
    auto a = state::IpAddr::parse(j.get<std::string>());
    if (!a) throw std::runtime_error("bad address '" + j.get<std::string>() + "'");
    return *a;
}

Json thread_json(const ProcessInfo& p, const std::string& container) {
    return {{"tid", p.tid},
            {"pid", p.pid},
            {"ppid", p.ppid},
            {"sid", p.sid},
            {"vpgid", p.vpgid},
            {"vpid", p.vpid},
            {"vtid", p.vtid},
            {"name", p.name},
            {"exe", p.exe},
            {"exepath", p.exepath},
            {"argv", p.argv},
            {"cwd", p.cwd},
            {"env", p.env},
            {"uid", p.uid},
            {"gid", p.gid},
            {"loginuid", p.loginuid},
            {"tty", p.tty},
            {"cap_effective", p.cap_effective},
            {"cap_permitted", p.cap_permitted},
            {"cap_inheritable", p.cap_inheritable},
            {"start_ts", p.start_ts},
            {"exe_flags", {p.exe_writable, p.exe_upper_layer, p.exe_lower_layer, p.exe_from_memfd}},
            {"exe_ino", {p.exe_ino, p.exe_ino_ctime, p.exe_ino_mtime}},
            {"fdlimit", p.fdlimit},
            {"pidns_init_start_ts", p.pidns_init_start_ts},
            {"container", container}};
}

ProcessInfo thread_of(const Json& j) {
    ProcessInfo p;
    j.at("tid").get_to(p.tid);
    j.at("pid").get_to(p.pid);
    j.at("ppid").get_to(p.ppid);
    j.at("sid").get_to(p.sid);
    j.at("vpgid").get_to(p.vpgid);
    j.at("vpid").get_to(p.vpid);
    j.at("vtid").get_to(p.vtid);
    j.at("name").get_to(p.name);
    j.at("exe").get_to(p.exe);
    j.at("exepath").get_to(p.exepath);
    j.at("argv").get_to(p.argv);
    j.at("cwd").get_to(p.cwd);
    j.at("env").get_to(p.env);
    j.at("uid").get_to(p.uid);
    j.at("gid").get_to(p.gid);
    j.at("loginuid").get_to(p.loginuid);
    j.at("tty").get_to(p.tty);
    j.at("cap_effective").get_to(p.cap_effective);
    j.at("cap_permitted").get_to(p.cap_permitted);
    j.at("cap_inheritable").get_to(p.cap_inheritable);
    j.at("start_ts").get_to(p.start_ts);
    const Json& f = j.at("exe_flags");
    f.at(0).get_to(p.exe_writable);
    f.at(1).get_to(p.exe_upper_layer);
    f.at(2).get_to(p.exe_lower_layer);
    f.at(3).get_to(p.exe_from_memfd);
    const Json& ino = j.at("exe_ino");
    ino.at(0).get_to(p.exe_ino);
    ino.at(1).get_to(p.exe_ino_ctime);
    ino.at(2).get_to(p.exe_ino_mtime);
    j.at("fdlimit").get_to(p.fdlimit);
    j.at("pidns_init_start_ts").get_to(p.pidns_init_start_ts);
    p.refresh_derived();
    return p;
}

Json fd_json(int64_t pid, const FdInfo& f) {
    return {{"pid", pid},
            {"num", f.num},
            {"type", state::fd_type_name(f.type)},
            {"name", f.name},
            {"nameraw", f.nameraw},
            {"fspath", f.fspath},
            {"open_flags", f.open_flags},
            {"dev", f.dev},
            {"ino", f.ino},
            {"l4proto", state::l4proto_name(f.l4proto)},
            {"cip", ip_json(f.cip)},
            {"sip", ip_json(f.sip)},
            {"cport", f.cport},
            {"sport", f.sport},
            {"is_server", f.is_server},
            {"connected", f.connected},
            {"sockfamily", f.sockfamily}};
}

std::pair<int64_t, FdInfo> fd_of(const Json& j) {
    FdInfo f;
    j.at("num").get_to(f.num);
    auto type = state::fd_type_from_name(j.at("type").get<std::string>());
    const auto proto_name = j.at("l4proto").get<std::string>();  // "" for none
    auto proto = proto_name.empty() ? std::optional(state::L4Proto::Unknown)
                                    : state::l4proto_from_name(proto_name);
    if (!type || !proto) throw std::runtime_error("unknown fd type or l4proto");
    f.type = *type;
    f.l4proto = *proto;
    j.at("name").get_to(f.name);
    j.at("nameraw").get_to(f.nameraw);
    f.fspath = j.value("fspath", std::string());
    j.at("open_flags").get_to(f.open_flags);
    j.at("dev").get_to(f.dev);
    j.at("ino").get_to(f.ino);
    f.cip = ip_of(j.at("cip"));
    f.sip = ip_of(j.at("sip"));
    j.at("cport").get_to(f.cport);
    j.at("sport").get_to(f.sport);
    j.at("is_server").get_to(f.is_server);
    j.at("connected").get_to(f.connected);
    j.at("sockfamily").get_to(f.sockfamily);
    f.refresh_derived();
    return {j.at("pid").get<int64_t>(), std::move(f)};
}

Json container_json(const ContainerInfo& c) {
    return {{"id", c.id},
            {"full_id", c.full_id},
            {"name", c.name},
            {"type", c.type},
            {"image", c.image},
            {"image_repository", c.image_repository},
            {"image_tag", c.image_tag},
            {"image_digest", c.image_digest},
            {"image_id", c.image_id},
            {"privileged", c.privileged},
            {"start_ts", c.start_ts},
            {"labels", c.labels},
            {"mounts", c.mounts},
            {"k8s_pod_name", c.k8s_pod_name},
            {"k8s_ns_name", c.k8s_ns_name},
            {"k8s_pod_uid", c.k8s_pod_uid},
            {"k8s_pod_sandbox_id", c.k8s_pod_sandbox_id},
            {"k8s_pod_labels", c.k8s_pod_labels}};
}

ContainerInfo container_of(const Json& j) {
    ContainerInfo c;
    const std::pair<const char*, std::string*> texts[] = {
        {"id", &c.id},
        {"full_id", &c.full_id},
        {"name", &c.name},
        {"type", &c.type},
        {"image", &c.image},
        {"image_repository", &c.image_repository},
        {"image_tag", &c.image_tag},
        {"image_digest", &c.image_digest},
        {"image_id", &c.image_id},
        {"mounts", &c.mounts},
        {"k8s_pod_name", &c.k8s_pod_name},
        {"k8s_ns_name", &c.k8s_ns_name},
        {"k8s_pod_uid", &c.k8s_pod_uid},
        {"k8s_pod_sandbox_id", &c.k8s_pod_sandbox_id}};
    for (const auto& [key, text] : texts) j.at(key).get_to(*text);
    j.at("privileged").get_to(c.privileged);
    j.at("start_ts").get_to(c.start_ts);
    j.at("labels").get_to(c.labels);
    j.at("k8s_pod_labels").get_to(c.k8s_pod_labels);
    c.metadata = ContainerInfo::Metadata::announced;  // replay asks no runtime
    return c;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The descriptors proc_root/<pid>/fd lists that `known` lacks, as a lazy lookup reads them.
void add_proc_fds(int64_t pid, const std::string& proc_root,
                  const std::set<std::pair<int64_t, int64_t>>& known, StateSnapshot& s) {
    std::string dir = proc_root + "/" + std::to_string(pid) + "/fd";
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;  // gone since: its records say the rest
    char link[4096];
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.') continue;
        int64_t num = std::strtoll(e->d_name, nullptr, 10);
        if (known.count({pid, num})) continue;
        std::string path = dir + "/" + e->d_name;
        ssize_t n = ::readlink(path.c_str(), link, sizeof link);
        if (n <= 0) continue;
        FdInfo f;
        f.num = num;
        state::fd_from_proc_link(std::string_view(link, static_cast<size_t>(n)), f);
        struct stat st {};
        if (f.type == state::FdType::File && ::stat(path.c_str(), &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            f.type = state::FdType::Directory;
            f.refresh_derived();
        }
        s.fds.emplace_back(pid, std::move(f));
    }
    ::closedir(d);
}

}  // namespace

StateSnapshot take_snapshot(const state::ProcessTable& procs, const state::FdTable& fds,
                            const capture::RecordDecoder& decoder) {
    StateSnapshot s;
    s.threads.reserve(procs.size());
    std::unordered_map<const ContainerInfo*, bool> seen;
    auto keep = [&](const ContainerInfo* c) {
        if (c && !c->is_host() && seen.emplace(c, true).second) s.containers.push_back(*c);
        return c ? c->full_id : "host";
    };
    procs.for_each([&](const ProcessInfo& p) {
        s.threads.push_back(p);
        s.thread_containers.push_back(keep(p.container));
    });
    fds.for_each([&](int64_t pid, const FdInfo& f) { s.fds.emplace_back(pid, f); });
    decoder.for_each_cgroup(
        [&](uint64_t id, const ContainerInfo* c) { s.cgroups.emplace_back(id, keep(c)); });
    return s;
}

void complete_from_host(StateSnapshot& s, const std::string& proc_root,
                        const std::string& host_root) {
    std::set<std::pair<int64_t, int64_t>> known;
    for (const auto& [pid, f] : s.fds) known.emplace(pid, f.num);
    for (const ProcessInfo& p : s.threads)
        if (p.tid == p.pid) add_proc_fds(p.pid, proc_root, known, s);
    std::string root = host_root == "/" ? "" : host_root;
    s.passwd = read_text(root + "/etc/passwd");
    s.group = read_text(root + "/etc/group");
}

std::string snapshot_json(const StateSnapshot& s) {
    Json threads = Json::array(), fds = Json::array(), containers = Json::array();
    for (size_t i = 0; i < s.threads.size(); ++i)
        threads.push_back(thread_json(s.threads[i], s.thread_containers[i]));
    for (const auto& [pid, f] : s.fds) fds.push_back(fd_json(pid, f));
    for (const auto& c : s.containers) containers.push_back(container_json(c));
    Json j = {{"threads", std::move(threads)},
              {"fds", std::move(fds)},
              {"containers", std::move(containers)},
              {"cgroups", s.cgroups},
              {"passwd", s.passwd},
              {"group", s.group}};
    return j.dump();
}

std::string cgroups_json(const capture::RecordDecoder& decoder) {
    Json cgroups = Json::array(), containers = Json::array();
    std::unordered_map<const ContainerInfo*, bool> seen;
    decoder.for_each_cgroup([&](uint64_t id, const ContainerInfo* c) {
        cgroups.push_back({id, c ? c->full_id : "host"});
        if (c && !c->is_host() && seen.emplace(c, true).second)
            containers.push_back(container_json(*c));
    });
    return Json{{"cgroups", std::move(cgroups)}, {"containers", std::move(containers)}}.dump();
}

bool parse_cgroups(const std::string& json, StateSnapshot& s, std::string& error) {
    try {
        Json j = Json::parse(json);
        for (const Json& c : j.at("containers")) s.containers.push_back(container_of(c));
        for (const Json& g : j.at("cgroups"))
            s.cgroups.emplace_back(g.at(0).get<uint64_t>(), g.at(1).get<std::string>());
    } catch (const std::exception& e) {
        error = std::string("cgroups block: ") + e.what();
        return false;
    }
    return true;
}

bool parse_snapshot(const std::string& json, StateSnapshot& out, std::string& error) {
    Json j;
    try {
        j = Json::parse(json);
    } catch (const std::exception& e) {
        error = std::string("state snapshot: ") + e.what();
        return false;
    }
    std::string item = "state snapshot";
    try {
        for (const Json& t : j.at("threads")) {
            item = "state snapshot: thread " + t.value("tid", Json(0)).dump();
            out.threads.push_back(thread_of(t));
            out.thread_containers.push_back(t.at("container").get<std::string>());
        }
        for (const Json& f : j.at("fds")) {
            item = "state snapshot: fd " + f.value("num", Json(0)).dump() + " of pid " +
                   f.value("pid", Json(0)).dump();
            out.fds.push_back(fd_of(f));
        }
        for (const Json& c : j.at("containers")) {
            item = "state snapshot: container " + c.value("full_id", Json("")).dump();
            out.containers.push_back(container_of(c));
        }
        item = "state snapshot";
        j.at("cgroups").get_to(out.cgroups);
        j.at("passwd").get_to(out.passwd);
        j.at("group").get_to(out.group);
    } catch (const std::exception& e) {
        error = item + ": " + e.what();
        return false;
    }
    return true;
}

void restore_snapshot(const StateSnapshot& s, state::ProcessTable& procs, state::FdTable& fds,
                      capture::RecordDecoder& decoder, std::deque<ContainerInfo>& containers) {
    std::unordered_map<std::string, const ContainerInfo*> by_id;
    for (const ContainerInfo& c : s.containers) by_id[c.full_id] = &containers.emplace_back(c);
    auto container = [&](const std::string& full_id) {
        auto it = by_id.find(full_id);
        return it != by_id.end() ? it->second : procs.containers().host();
    };
    for (size_t i = 0; i < s.threads.size(); ++i) {
        ProcessInfo* p = procs.insert(s.threads[i].tid);
        *p = s.threads[i];
        p->container = container(s.thread_containers[i]);
        procs.resolve_identity(*p);
    }
    for (const auto& [id, full_id] : s.cgroups) decoder.seed_cgroup(id, container(full_id));
    procs.link_parents();
    for (const auto& [pid, f] : s.fds)
        if (FdInfo* slot = fds.put(pid, f.num)) *slot = f;
}

}  // namespace sensor::capfile
