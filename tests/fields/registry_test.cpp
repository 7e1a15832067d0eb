// Field registry: name resolution and extraction from hand-built events.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/fields/registry.h"

using namespace sensor::fields;
namespace oflags = sensor::events::oflags;

namespace {

// "proc.aname[2]" -> name "proc.aname", arg "2".
std::optional<FieldRef> resolve(const std::string& written, std::string& err) {
    size_t br = written.find('[');
    if (br == std::string::npos) return resolve_field(written, nullptr, err);
    std::string arg = written.substr(br + 1, written.size() - br - 2);
    return resolve_field(written.substr(0, br), &arg, err);
}

FieldRef must_resolve(const std::string& written) {
    std::string err;
    auto ref = resolve(written, err);
    if (!ref) ADD_FAILURE() << written << ": " << err;
    return ref.value_or(FieldRef{find_field("evt.num"), {}});
}

// Every value the field yields (one for single-valued fields), rendered as text.
std::vector<std::string> values(const Event& ev, const std::string& written) {
    FieldRef ref = must_resolve(written);
    std::vector<std::string> out;
    std::string scratch;
    for (uint32_t n = 0; n < 64; ++n) {
        Value v;
        if (!ref.def->extract(ev, ref.arg, n, v, scratch)) break;
        std::string text;
        append_value_text(*ref.def, v, text);
        out.push_back(text);
        if (!ref.multi()) break;
    }
    return out;
}

// The single value, or "<NA>" when missing.
std::string val(const Event& ev, const std::string& written) {
    auto v = values(ev, written);
    return v.empty() ? "<NA>" : v.front();
}

uint16_t type_id(const char* name) {
    return sensor::events::event_type_id(name).value();
}

struct World {
    ContainerInfo container;
    UserInfo root{0, "root", "/root", "/bin/bash"};
    UserInfo bob{1000, "bob", "/home/bob", "/bin/zsh"};
    GroupInfo root_group{0, "root"};
    ProcessInfo init, sshd, bash, cat;
    FdInfo file, sock;
    Event ev;

    World() {
        init.pid = init.tid = init.vpid = 1;
        init.name = "systemd";
        init.exe = "/sbin/init";
        init.exepath = "/usr/lib/systemd/systemd";
        init.refresh_derived();

        sshd = init;
        sshd.pid = sshd.tid = sshd.vpid = 100;
        sshd.ppid = 1;
        sshd.sid = sshd.vpgid = 100;
        sshd.name = sshd.exe = "sshd";
        sshd.exepath = "/usr/sbin/sshd";
        sshd.argv = {"-D"};
        sshd.start_ts = 1000;
        sshd.parent = &init;
        sshd.refresh_derived();

        bash = sshd;
        bash.pid = bash.tid = bash.vpid = 200;
        bash.ppid = 100;
        bash.name = bash.exe = "bash";
        bash.exepath = "/usr/bin/bash";
        bash.argv = {};
        bash.parent = &sshd;
        bash.refresh_derived();

        cat = bash;
        cat.pid = cat.vpid = 300;
        cat.tid = cat.vtid = 301;
        cat.ppid = 200;
        cat.vpgid = 300;
        cat.name = cat.exe = "cat";
        cat.exepath = "/usr/bin/cat";
        cat.argv = {"/etc/shadow", "-n"};
        cat.env = {"HOME=/root", "PATH=/bin", "EMPTY="};
        cat.cwd = "/root/";
        cat.uid = 0;
        cat.gid = 0;
        cat.loginuid = 1000;
        cat.tty = 34816;
        cat.cap_effective = (1ULL << 21) | (1ULL << 12);
        cat.start_ts = 5000;
        cat.user = &root;
        cat.loginuser = &bob;
        cat.group = &root_group;
        cat.parent = &bash;
        cat.refresh_derived();

        file.num = 3;
        file.type = FdType::File;
        file.name = "/etc/shadow";
        file.nameraw = "shadow";
        file.refresh_derived();

        sock.num = 4;
        sock.type = FdType::Ipv4;
        sock.l4proto = L4Proto::Tcp;
        sock.cip = *IpAddr::parse("10.0.0.1");
        sock.sip = *IpAddr::parse("93.184.216.34");
        sock.cport = 40000;
        sock.sport = 443;
        sock.connected = true;
        sock.name = "10.0.0.1:40000->93.184.216.34:443";

        ev.num = 7;
        ev.ts = 1700000000123456789ULL;
        ev.type = type_id("openat");
        ev.res = 3;
        ev.proc = &cat;
        ev.fd = &file;
        ev.is_open_event = true;
        ev.open_flags = oflags::kRdOnly | oflags::kCloExec;
        add_param("fd", "3", 3);
        add_param("name", "/etc/shadow");
        add_param("flags", "O_RDONLY|O_CLOEXEC", ev.open_flags);
    }
    void add_param(std::string_view name, std::string_view text) {
        ev.params[ev.param_count++] = EventParam{name, text, 0, false};
    }
    void add_param(std::string_view name, std::string_view text, int64_t raw) {
        ev.params[ev.param_count++] = EventParam{name, text, raw, true};
    }
};

}  // namespace

TEST(FieldsResolve, ExactNamesAndTypes) {
    std::string err;
    auto r = resolve_field("proc.name", nullptr, err);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->def->type, FieldType::String);
    EXPECT_FALSE(r->multi());
    EXPECT_EQ(must_resolve("proc.tty").def->type, FieldType::Uint64);
    EXPECT_EQ(must_resolve("user.loginuid").def->type, FieldType::Int64);
    EXPECT_EQ(must_resolve("fd.net").def->type, FieldType::Net);
    EXPECT_TRUE(must_resolve("fd.ip").multi());
    EXPECT_EQ(must_resolve("proc.duration").def->type, FieldType::RelTime);
    EXPECT_EQ(must_resolve("container.start_ts").def->type, FieldType::AbsTime);
}

TEST(FieldsResolve, UnknownFieldUsesFalcoWording) {
    std::string err;
    EXPECT_FALSE(resolve_field("proc.nmae", nullptr, err));
    EXPECT_EQ(err, "filter_check called with nonexistent field proc.nmae");
    std::string arg = "2";
    EXPECT_FALSE(resolve_field("proc.bogus", &arg, err));
    EXPECT_EQ(err, "filter_check called with nonexistent field proc.bogus[2]");
    EXPECT_FALSE(resolve_field("evt.arg.", nullptr, err));
    EXPECT_EQ(err, "filter_check called with nonexistent field evt.arg.");
}

TEST(FieldsResolve, EvtArgForms) {
    FieldRef dotted = must_resolve("evt.arg.flags");
    EXPECT_EQ(dotted.def->name, "evt.arg");
    EXPECT_TRUE(dotted.arg.present);
    EXPECT_EQ(dotted.arg.key, "flags");
    FieldRef idx = must_resolve("evt.arg[1]");
    EXPECT_EQ(idx.arg.index, 1);
    EXPECT_TRUE(idx.arg.key.empty());
    FieldRef named = must_resolve("evt.arg[name]");
    EXPECT_EQ(named.arg.key, "name");
    FieldRef raw = must_resolve("evt.rawarg.res_or_fd");
    EXPECT_EQ(raw.def->name, "evt.rawarg");
    EXPECT_EQ(raw.arg.key, "res_or_fd");

    std::string err;
    EXPECT_FALSE(resolve_field("evt.arg", nullptr, err));
    EXPECT_NE(err.find("evt.arg"), std::string::npos);
    std::string a = "flags";
    EXPECT_FALSE(resolve_field("evt.rawarg", &a, err));
    EXPECT_FALSE(resolve_field("evt.arg.flags", &a, err));
}

TEST(FieldsResolve, ArgumentChecks) {
    FieldRef an = must_resolve("proc.aname[2]");
    EXPECT_TRUE(an.arg.present);
    EXPECT_EQ(an.arg.index, 2);
    EXPECT_FALSE(an.multi());
    EXPECT_TRUE(must_resolve("proc.aname").multi());
    EXPECT_EQ(must_resolve("container.label[app]").arg.key, "app");
    EXPECT_EQ(must_resolve("k8s.pod.label[app.kubernetes.io/name]").arg.key,
              "app.kubernetes.io/name");
    EXPECT_FALSE(must_resolve("proc.env").arg.present);
    EXPECT_EQ(must_resolve("proc.env[HOME]").arg.key, "HOME");

    std::string err;
    for (const char* bad :
         {"proc.aname[x]", "proc.aname[-1]", "proc.name[1]", "container.label", "proc.apid[1x]"}) {
        EXPECT_FALSE(resolve(bad, err)) << bad;
        EXPECT_FALSE(err.empty()) << bad;
        EXPECT_EQ(err.find("nonexistent"), std::string::npos) << bad << ": " << err;
    }
}

TEST(FieldsResolve, RulesetFieldsExist) {
    // A sample of fields the default rules use in conditions and outputs.
    for (const char* f : {"evt.type",
                          "evt.num",
                          "evt.rawres",
                          "evt.res",
                          "evt.args",
                          "evt.hostname",
                          "evt.is_open_read",
                          "evt.is_open_write",
                          "evt.time",
                          "evt.time.iso8601",
                          "proc.name",
                          "proc.pname",
                          "proc.cmdline",
                          "proc.pcmdline",
                          "proc.exe",
                          "proc.pexe",
                          "proc.exepath",
                          "proc.pexepath",
                          "proc.args",
                          "proc.cwd",
                          "proc.tty",
                          "proc.sname",
                          "proc.vpgid.name",
                          "proc.vpgid.exe",
                          "proc.is_vpgid_leader",
                          "proc.vpid",
                          "proc.ppid.duration",
                          "proc.duration",
                          "proc.exe_ino.ctime",
                          "proc.exe_ino.mtime",
                          "proc.exe_ino.ctime_duration_proc_start",
                          "proc.is_exe_upper_layer",
                          "proc.is_exe_from_memfd",
                          "proc.aexe[2]",
                          "proc.aexepath[2]",
                          "proc.aname[7]",
                          "thread.cap_effective",
                          "thread.cap_permitted",
                          "user.name",
                          "user.uid",
                          "user.loginuid",
                          "user.loginname",
                          "group.gid",
                          "group.name",
                          "fd.name",
                          "fd.nameraw",
                          "fd.directory",
                          "fd.filename",
                          "fd.typechar",
                          "fd.type",
                          "fd.num",
                          "fd.l4proto",
                          "fd.lport",
                          "fd.rport",
                          "fd.sport",
                          "fd.port",
                          "fd.sip",
                          "fd.ip",
                          "fd.net",
                          "fd.snet",
                          "fd.rnet",
                          "fd.sip.name",
                          "fd.cip.name",
                          "fd.lip.name",
                          "fd.rip.name",
                          "fd.connected",
                          "fd.name_changed",
                          "fd.sockfamily",
                          "container.id",
                          "container.image.repository",
                          "container.privileged",
                          "container.start_ts",
                          "k8s.ns.name",
                          "k8s.pod.name"}) {
        std::string err;
        EXPECT_TRUE(resolve(f, err)) << f << ": " << err;
    }
}

TEST(FieldsResolve, EveryFieldHasADescriptionAndUniqueName) {
    std::set<std::string_view> names;
    for (const FieldDef& d : all_fields()) {
        EXPECT_FALSE(d.desc.empty()) << d.name;
        EXPECT_NE(d.extract, nullptr) << d.name;
        EXPECT_TRUE(names.insert(d.name).second) << "duplicate " << d.name;
        EXPECT_EQ(find_field(d.name), &d);
    }
    EXPECT_GT(names.size(), 150u);
}

TEST(FieldsEvt, BasicEventFields) {
    World w;
    EXPECT_EQ(val(w.ev, "evt.type"), "openat");
    EXPECT_EQ(val(w.ev, "evt.num"), "7");
    EXPECT_EQ(val(w.ev, "evt.dir"), "<");
    EXPECT_EQ(val(w.ev, "evt.rawtime"), "1700000000123456789");
    EXPECT_EQ(val(w.ev, "evt.time.iso8601"), "2023-11-14T22:13:20.123456789+0000");
    std::string t = val(w.ev, "evt.time");
    ASSERT_EQ(t.size(), 18u);
    EXPECT_EQ(t.substr(8), ".123456789");
    EXPECT_EQ(val(w.ev, "evt.res"), "SUCCESS");
    EXPECT_EQ(val(w.ev, "evt.rawres"), "3");
    EXPECT_EQ(val(w.ev, "evt.failed"), "false");
    EXPECT_EQ(val(w.ev, "evt.args"), "fd=3 name=/etc/shadow flags=O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(val(w.ev, "evt.arg.name"), "/etc/shadow");
    EXPECT_EQ(val(w.ev, "evt.arg[2]"), "O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(val(w.ev, "evt.arg[flags]"), "O_RDONLY|O_CLOEXEC");
    EXPECT_EQ(val(w.ev, "evt.arg[9]"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.arg.mode"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.rawarg.flags"), std::to_string(oflags::kCloExec));
    EXPECT_EQ(val(w.ev, "evt.rawarg.name"), "<NA>");  // no raw value
    EXPECT_EQ(val(w.ev, "evt.category"), "file");
    EXPECT_EQ(val(w.ev, "evt.latency"), "<NA>");
    EXPECT_TRUE(must_resolve("evt.latency").def->deprecated);
}

TEST(FieldsEvt, ResultsAndOpenFlags) {
    World w;
    EXPECT_EQ(val(w.ev, "evt.is_open_read"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_write"), "false");
    EXPECT_EQ(val(w.ev, "evt.is_open_create"), "false");
    w.ev.open_flags = oflags::kRdWr | oflags::kCreat | oflags::kFCreated;
    EXPECT_EQ(val(w.ev, "evt.is_open_read"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_write"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_create"), "true");
    EXPECT_EQ(val(w.ev, "evt.is_open_exec"), "false");
    w.add_param("mode", "0755", 0755);
    EXPECT_EQ(val(w.ev, "evt.is_open_exec"), "true");
    w.ev.is_open_event = false;
    EXPECT_EQ(val(w.ev, "evt.is_open_read"), "false");

    w.ev.res = -2;
    EXPECT_EQ(val(w.ev, "evt.res"), "ENOENT");
    EXPECT_EQ(val(w.ev, "evt.rawres"), "-2");
    EXPECT_EQ(val(w.ev, "evt.failed"), "true");
    w.ev.res = -4000;
    EXPECT_EQ(val(w.ev, "evt.res"), "-4000");
    w.ev.has_res = false;
    EXPECT_EQ(val(w.ev, "evt.res"), "<NA>");
    EXPECT_EQ(val(w.ev, "evt.rawres"), "<NA>");
    w.ev.dir = EventDir::Enter;
    EXPECT_EQ(val(w.ev, "evt.dir"), ">");
}

TEST(FieldsEvt, Hostname) {
    World w;
    set_event_hostname("sensor-host");
    EXPECT_EQ(val(w.ev, "evt.hostname"), "sensor-host");
}

TEST(FieldsProc, ProcessAndParent) {
    World w;
    EXPECT_EQ(val(w.ev, "proc.name"), "cat");
    EXPECT_EQ(val(w.ev, "proc.pid"), "300");
    EXPECT_EQ(val(w.ev, "thread.tid"), "301");
    EXPECT_EQ(val(w.ev, "thread.ismain"), "false");
    EXPECT_EQ(val(w.ev, "proc.args"), "/etc/shadow -n");
    EXPECT_EQ(val(w.ev, "proc.cmdline"), "cat /etc/shadow -n");
    EXPECT_EQ(val(w.ev, "proc.cmdnargs"), "2");
    EXPECT_EQ(val(w.ev, "proc.pname"), "bash");
    EXPECT_EQ(val(w.ev, "proc.pcmdline"), "bash");
    EXPECT_EQ(val(w.ev, "proc.pexepath"), "/usr/bin/bash");
    EXPECT_EQ(val(w.ev, "proc.tty"), "34816");
    EXPECT_EQ(val(w.ev, "proc.cwd"), "/root/");
    EXPECT_EQ(val(w.ev, "proc.env"), "HOME=/root PATH=/bin EMPTY=");
    EXPECT_EQ(val(w.ev, "proc.env[HOME]"), "/root");
    EXPECT_EQ(val(w.ev, "proc.env[EMPTY]"), "");
    EXPECT_EQ(val(w.ev, "proc.env[HOM]"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.duration"), std::to_string(w.ev.ts - 5000));
    EXPECT_EQ(val(w.ev, "proc.ppid.duration"), std::to_string(w.ev.ts - 1000));
    EXPECT_EQ(val(w.ev, "thread.cap_effective"), "CAP_NET_ADMIN CAP_SYS_ADMIN");
    EXPECT_EQ(val(w.ev, "thread.cap_permitted"), "");
    EXPECT_EQ(val(w.ev, "proc.exe_ino.ctime"), "<NA>");

    // The root process has no parent: parent fields are missing.
    w.ev.proc = &w.init;
    EXPECT_EQ(val(w.ev, "proc.pname"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.cmdline"), "systemd");
    EXPECT_EQ(values(w.ev, "proc.aname"), std::vector<std::string>{});
    w.ev.proc = nullptr;
    EXPECT_EQ(val(w.ev, "proc.name"), "<NA>");
    EXPECT_EQ(val(w.ev, "user.uid"), "<NA>");
}

TEST(FieldsProc, Ancestors) {
    World w;
    EXPECT_EQ(val(w.ev, "proc.aname[0]"), "cat");
    EXPECT_EQ(val(w.ev, "proc.aname[1]"), "bash");
    EXPECT_EQ(val(w.ev, "proc.aname[2]"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.aname[3]"), "systemd");
    EXPECT_EQ(val(w.ev, "proc.aname[4]"), "<NA>");
    EXPECT_EQ(val(w.ev, "proc.apid[2]"), "100");
    EXPECT_EQ(val(w.ev, "proc.aexepath[2]"), "/usr/sbin/sshd");
    EXPECT_EQ(val(w.ev, "proc.acmdline[2]"), "sshd -D");
    EXPECT_EQ(values(w.ev, "proc.aname"), (std::vector<std::string>{"bash", "sshd", "systemd"}));
    EXPECT_EQ(values(w.ev, "proc.apid"), (std::vector<std::string>{"200", "100", "1"}));
    // With an argument only n = 0 yields a value.
    FieldRef ref = must_resolve("proc.aname[1]");
    Value v;
    std::string scratch;
    EXPECT_FALSE(ref.def->extract(w.ev, ref.arg, 1, v, scratch));
}

TEST(FieldsProc, SessionAndGroupLeaders) {
    World w;
    // cat's sid is 100 (sshd); bash and sshd share it.
    EXPECT_EQ(val(w.ev, "proc.sname"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.is_sid_leader"), "false");
    EXPECT_EQ(val(w.ev, "proc.vpgid.name"), "cat");
    EXPECT_EQ(val(w.ev, "proc.is_vpgid_leader"), "true");
    w.ev.proc = &w.bash;
    EXPECT_EQ(val(w.ev, "proc.vpgid.name"), "sshd");
    EXPECT_EQ(val(w.ev, "proc.is_vpgid_leader"), "false");
    // No process with pid == sid: the eldest ancestor sharing the sid leads.
    w.sshd.sid = w.bash.sid = w.cat.sid = 77;
    w.ev.proc = &w.cat;
    EXPECT_EQ(val(w.ev, "proc.sname"), "sshd");
}

TEST(FieldsUser, UsersAndGroups) {
    World w;
    EXPECT_EQ(val(w.ev, "user.uid"), "0");
    EXPECT_EQ(val(w.ev, "user.name"), "root");
    EXPECT_EQ(val(w.ev, "user.homedir"), "/root");
    EXPECT_EQ(val(w.ev, "user.loginuid"), "1000");
    EXPECT_EQ(val(w.ev, "user.loginname"), "bob");
    EXPECT_EQ(val(w.ev, "group.gid"), "0");
    EXPECT_EQ(val(w.ev, "group.name"), "root");
    w.cat.loginuid = UINT32_MAX;
    w.cat.loginuser = nullptr;
    w.cat.user = nullptr;
    EXPECT_EQ(val(w.ev, "user.loginuid"), "-1");
    EXPECT_EQ(val(w.ev, "user.loginname"), "<NA>");
    EXPECT_EQ(val(w.ev, "user.name"), "<NA>");
}

TEST(FieldsFd, FileFields) {
    World w;
    EXPECT_EQ(val(w.ev, "fd.num"), "3");
    EXPECT_EQ(val(w.ev, "fd.type"), "file");
    EXPECT_EQ(val(w.ev, "fd.typechar"), "f");
    EXPECT_EQ(val(w.ev, "fd.name"), "/etc/shadow");
    EXPECT_EQ(val(w.ev, "fd.nameraw"), "shadow");
    EXPECT_EQ(val(w.ev, "fd.directory"), "/etc");
    EXPECT_EQ(val(w.ev, "fd.filename"), "shadow");
    EXPECT_EQ(val(w.ev, "fd.containername"), "host:/etc/shadow");
    EXPECT_EQ(val(w.ev, "fd.cip"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.sport"), "<NA>");
    EXPECT_EQ(values(w.ev, "fd.ip"), std::vector<std::string>{});
    w.file.name = "/shadow";
    w.file.refresh_derived();
    EXPECT_EQ(val(w.ev, "fd.directory"), "/");
    w.ev.fd = nullptr;
    EXPECT_EQ(val(w.ev, "fd.name"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.num"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.typechar"), "<NA>");
}

TEST(FieldsFd, TypeChars) {
    EXPECT_EQ(fd_type_char(FdType::Directory), 'd');
    EXPECT_EQ(fd_type_char(FdType::Ipv6), '6');
    EXPECT_EQ(fd_type_char(FdType::Memfd), 'm');
    EXPECT_EQ(fd_type_char(FdType::Unknown), 'o');
    EXPECT_EQ(fd_type_name(FdType::IoUring), "io_uring");
}

TEST(FieldsFd, SocketEnds) {
    World w;
    w.ev.fd = &w.sock;
    w.ev.type = type_id("connect");
    EXPECT_EQ(val(w.ev, "fd.typechar"), "4");
    EXPECT_EQ(val(w.ev, "fd.l4proto"), "tcp");
    EXPECT_EQ(val(w.ev, "fd.sockfamily"), "ip");
    EXPECT_EQ(val(w.ev, "fd.cip"), "10.0.0.1");
    EXPECT_EQ(val(w.ev, "fd.sip"), "93.184.216.34");
    EXPECT_EQ(val(w.ev, "fd.lip"), "10.0.0.1");
    EXPECT_EQ(val(w.ev, "fd.rport"), "443");
    EXPECT_EQ(val(w.ev, "fd.lport"), "40000");
    EXPECT_EQ(values(w.ev, "fd.ip"), (std::vector<std::string>{"10.0.0.1", "93.184.216.34"}));
    EXPECT_EQ(values(w.ev, "fd.port"), (std::vector<std::string>{"40000", "443"}));
    EXPECT_EQ(values(w.ev, "fd.net"),
              (std::vector<std::string>{"10.0.0.1/32", "93.184.216.34/32"}));
    EXPECT_EQ(val(w.ev, "fd.sip.name"), "<NA>");
    // An accepted socket: this end is the server, so local/remote swap.
    w.sock.is_server = true;
    EXPECT_EQ(val(w.ev, "fd.lip"), "93.184.216.34");
    EXPECT_EQ(val(w.ev, "fd.rip"), "10.0.0.1");
    EXPECT_EQ(val(w.ev, "fd.lport"), "443");
    // A missing client address must not hide the server candidate.
    w.sock.cip = IpAddr{};
    EXPECT_EQ(values(w.ev, "fd.ip"), std::vector<std::string>{"93.184.216.34"});
    // Net values are the address as a single-host network.
    FieldRef snet = must_resolve("fd.snet");
    Value v;
    std::string scratch;
    ASSERT_TRUE(snet.def->extract(w.ev, snet.arg, 0, v, scratch));
    EXPECT_TRUE(IpNet::parse("93.184.0.0/16")->contains(v.net.addr));
    EXPECT_EQ(v.net.prefix, 32);
}

TEST(FieldsContainer, HostDefaults) {
    World w;
    EXPECT_EQ(val(w.ev, "container.id"), "host");
    EXPECT_EQ(val(w.ev, "container.name"), "host");
    EXPECT_EQ(val(w.ev, "container.image.repository"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.privileged"), "<NA>");
    EXPECT_EQ(val(w.ev, "k8s.ns.name"), "<NA>");
}

TEST(FieldsContainer, ContainerMetadata) {
    World w;
    ContainerInfo& c = w.container;
    c.id = "abcdef012345";
    c.full_id = "abcdef012345" + std::string(52, '0');
    c.name = "web";
    c.image_repository = "docker.io/library/nginx";
    c.image_tag = "1.25";
    c.privileged = 1;
    c.start_ts = w.ev.ts - 10;
    c.labels = {{"app", "web"}, {"io.kubernetes.pod.name", "p"}, {"tier", "front"}};
    c.k8s_pod_name = "web-0";
    c.k8s_ns_name = "prod";
    c.k8s_pod_sandbox_id = "0123456789abcdef0123";
    c.k8s_pod_labels = {{"app.kubernetes.io/name", "web"}};
    w.cat.container = &c;
    EXPECT_EQ(val(w.ev, "container.id"), "abcdef012345");
    EXPECT_EQ(val(w.ev, "container.full_id"), c.full_id);
    EXPECT_EQ(val(w.ev, "container.name"), "web");
    EXPECT_EQ(val(w.ev, "container.image.repository"), "docker.io/library/nginx");
    EXPECT_EQ(val(w.ev, "container.image"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.privileged"), "true");
    EXPECT_EQ(val(w.ev, "container.duration"), "10");
    EXPECT_EQ(val(w.ev, "container.label[app]"), "web");
    EXPECT_EQ(val(w.ev, "container.label[nope]"), "<NA>");
    EXPECT_EQ(val(w.ev, "container.labels"), "app:web, tier:front");
    EXPECT_EQ(val(w.ev, "k8s.pod.name"), "web-0");
    EXPECT_EQ(val(w.ev, "k8s.ns.name"), "prod");
    EXPECT_EQ(val(w.ev, "k8s.pod.sandbox_id"), "0123456789ab");
    EXPECT_EQ(val(w.ev, "k8s.pod.full_sandbox_id"), "0123456789abcdef0123");
    EXPECT_EQ(val(w.ev, "k8s.pod.label[app.kubernetes.io/name]"), "web");
    EXPECT_EQ(val(w.ev, "k8s.pod.uid"), "<NA>");
    EXPECT_EQ(val(w.ev, "fd.containername"), "abcdef012345:/etc/shadow");
    // An explicit event container wins over the process's.
    ContainerInfo other;
    other.id = "fedcba987654";
    w.ev.container = &other;
    EXPECT_EQ(val(w.ev, "container.id"), "fedcba987654");
}

TEST(FieldsText, AppendValueText) {
    Value v;
    std::string out;
    v.b = true;
    append_value_text(*find_field("fd.connected"), v, out);
    v.i64 = -5;
    out += ' ';
    append_value_text(*find_field("fd.num"), v, out);
    v.u64 = 18446744073709551615ULL;
    out += ' ';
    append_value_text(*find_field("evt.rawtime"), v, out);
    v.ip = *IpAddr::parse("::1");
    out += ' ';
    append_value_text(*find_field("fd.cip"), v, out);
    EXPECT_EQ(out, "true -5 18446744073709551615 ::1");
}
