#pragma once
// Shared helpers for the field tests: resolve a field as rules write it ("proc.aname[2]"),
// extract its values as text, and a hand-built world (processes, users, fds, an open event).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/fields/registry.h"

namespace sensor::fields::fields_test {

namespace oflags = sensor::events::oflags;

// "proc.aname[2]" -> name "proc.aname", arg "2".
inline std::optional<FieldRef> resolve(const std::string& written, std::string& err) {
    size_t br = written.find('[');
    if (br == std::string::npos) return resolve_field(written, nullptr, err);
    std::string arg = written.substr(br + 1, written.size() - br - 2);
    return resolve_field(written.substr(0, br), &arg, err);
}

inline FieldRef must_resolve(const std::string& written) {
    std::string err;
    auto ref = resolve(written, err);
    if (!ref) ADD_FAILURE() << written << ": " << err;
    return ref.value_or(FieldRef{find_field("evt.num"), {}});
}

// Every value the field yields (one for single-valued fields), rendered as text.
inline std::vector<std::string> values(const Event& ev, const std::string& written) {
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
inline std::string val(const Event& ev, const std::string& written) {
    auto v = values(ev, written);
    return v.empty() ? "<NA>" : v.front();
}

inline uint16_t type_id(const char* name) {
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
        ev.params[ev.param_count++] = EventParam{name, text, {}, 0, false};
    }
    void add_param(std::string_view name, std::string_view text, int64_t raw) {
        ev.params[ev.param_count++] = EventParam{name, text, {}, raw, true};
    }
};

}  // namespace sensor::fields::fields_test
