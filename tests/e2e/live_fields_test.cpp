// End to end, as root: field values from live events checked against the truth the test
// knows (its own pid, session, limits, credentials; stat() of the files; the socket's ports).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "e2e/live_suite.h"
#include "sensor/events/capabilities.h"

using sensor::testing::field;
using sensor::testing::own_name;
using Json = nlohmann::json;

namespace {

std::string rules_file() {
    std::string path = "/tmp/sensor-e2e-fields-rules-" + std::to_string(getpid()) + ".yaml";
    std::ofstream out(path);
    out << R"(- rule: e2e exec fields
  desc: every process field the stable rules use, on an exec
  condition: evt.type in (execve, execveat) and proc.name = e2e-fields
  output: "exec %proc.pid %proc.ppid %proc.vpid %proc.sid %proc.tty %proc.cwd %proc.exepath %proc.exe %proc.args %proc.cmdline %proc.pname %proc.pexepath %proc.exe_ino %proc.is_exe_writable %proc.is_exe_upper_layer %proc.is_exe_from_memfd %proc.fdlimit %user.uid %user.name %user.homedir %user.loginuid %group.gid %group.name %thread.cap_effective %thread.tid %proc.duration %evt.arg.flags %evt.res"
  priority: INFO
- rule: e2e open fields
  desc: file fields on an open
  condition: evt.type in (open, openat, openat2) and proc.name = e2e-fields and fd.filename = out.txt
  output: "open %fd.num %fd.name %fd.nameraw %fd.directory %fd.filename %fd.typechar %fd.type %fd.ino %fd.dev %evt.is_open_write %evt.is_open_read %evt.arg.flags %evt.arg.mode %evt.res %evt.rawres"
  priority: INFO
- rule: e2e falco 0.44 fields
  desc: fields added for Falco 0.44 parity, on the same open
  condition: evt.type in (open, openat, openat2) and proc.name = e2e-fields and fd.filename = out.txt
  output: "f44 %fs.path.name %fs.path.nameraw %evt.abspath %proc.pgid %proc.nthreads %proc.nchilds %evt.is_io %evt.count %evt.count.error.file %thread.cgroups %fd.uid %thread.tid %fd.num"
  priority: INFO
- rule: e2e connect fields
  desc: socket fields on a connect
  condition: evt.type = connect and proc.name = e2e-fields
  output: "connect %fd.name %fd.l4proto %fd.sip %fd.sport %fd.cip %fd.cport %fd.lport %fd.rport %fd.typechar %fd.sockfamily %fd.connected %evt.res"
  priority: INFO
)";
    return path;
}

struct FieldRules {
    static const char* name() { return "fields"; }
    static std::vector<std::string> args() {
        std::string rules = rules_file();  // read once at start; the test removes it
        return {"-r", std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml",
                "-r", rules,
                "-o", "rule_matching=all"};
    }
    static const char* symlink_rule() { return "Create Symlink Over Sensitive Files"; }
    static const char* linkpath_field() { return "evt.arg.linkpath"; }
};

using LiveFields = sensor::testing::LiveSuite<FieldRules>;

std::string self_status(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return line.substr(key.size() + 1);
    return {};
}

TEST_F(LiveFields, ExecOpenAndConnectFieldsMatchTheTruth) {
    // A TCP listener for the child to connect to (the kernel completes the handshake).
    int lsock = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(lsock, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(lsock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(lsock, 8), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(getsockname(lsock, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    int port = ntohs(addr.sin_port);

    std::string bash = copy_binary("/bin/bash", "e2e-fields");
    std::string script = "cd " + dir_ + " && echo hi > out.txt; exec 3<>/dev/tcp/127.0.0.1/" +
                         std::to_string(port) + "; true";
    pid_t child = fork();
    if (child == 0) {
        execl(bash.c_str(), "e2e-fields", "-c", script.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(lsock);

    Json e = expect_alert("e2e exec fields", [&](const Json& j) {
        return field(j, "proc.pid") == std::to_string(child);
    });
    EXPECT_EQ(field(e, "proc.ppid"), std::to_string(getpid()));
    EXPECT_EQ(field(e, "proc.vpid"), std::to_string(child));  // this test runs in the host pid ns
    EXPECT_EQ(field(e, "thread.tid"), std::to_string(child));
    EXPECT_EQ(field(e, "proc.sid"), std::to_string(getsid(0)));
    EXPECT_EQ(field(e, "proc.cwd"), std::filesystem::current_path().string() + "/");
    EXPECT_EQ(field(e, "proc.exepath"), bash);
    EXPECT_EQ(field(e, "proc.exe"), "e2e-fields");
    EXPECT_EQ(field(e, "proc.args"), "-c " + script);
    EXPECT_EQ(field(e, "proc.cmdline"), "e2e-fields -c " + script);
    EXPECT_EQ(field(e, "proc.pname"), own_name());
    EXPECT_EQ(field(e, "proc.pexepath"), std::filesystem::read_symlink("/proc/self/exe").string());
    struct stat st {};
    ASSERT_EQ(stat(bash.c_str(), &st), 0);
    EXPECT_EQ(field(e, "proc.exe_ino"), std::to_string(st.st_ino));
    EXPECT_EQ(field(e, "proc.is_exe_writable"), "true");  // root, owner-writable copy
    EXPECT_EQ(field(e, "proc.is_exe_from_memfd"), "false");
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    EXPECT_EQ(field(e, "proc.fdlimit"), std::to_string(rl.rlim_cur));
    EXPECT_EQ(field(e, "user.uid"), "0");
    EXPECT_EQ(field(e, "user.name"), "root");
    EXPECT_EQ(field(e, "user.homedir"), "/root");
    EXPECT_EQ(field(e, "group.gid"), "0");
    EXPECT_EQ(field(e, "group.name"), "root");
    std::string loginuid;
    std::ifstream("/proc/self/loginuid") >> loginuid;
    EXPECT_EQ(field(e, "user.loginuid"), loginuid == "4294967295" ? std::string("-1") : loginuid);
    uint64_t caps = std::stoull(self_status("CapEff"), nullptr, 16);
    EXPECT_EQ(field(e, "thread.cap_effective"), sensor::events::capabilities_to_string(caps));
    EXPECT_EQ(field(e, "evt.arg.flags"), "EXE_WRITABLE");
    EXPECT_EQ(field(e, "evt.res"), "SUCCESS");

    std::string out = dir_ + "/out.txt";
    Json o = expect_alert("e2e open fields", [&](const Json& j) {
        return field(j, "fd.name") == out && field(j, "evt.is_open_write") == "true";
    });
    ASSERT_EQ(stat(out.c_str(), &st), 0);
    Json f = expect_alert("e2e falco 0.44 fields",
                          [&](const Json& j) { return field(j, "fs.path.name") == out; });
    EXPECT_EQ(field(f, "fs.path.nameraw"), "out.txt");
    EXPECT_EQ(field(f, "proc.pgid"), std::to_string(getpgrp()));  // bash -c keeps our group
    EXPECT_EQ(field(f, "proc.nthreads"), "1");
    EXPECT_EQ(field(f, "proc.nchilds"), "0");
    EXPECT_EQ(field(f, "evt.is_io"), "false");
    EXPECT_EQ(field(f, "evt.count"), "1");
    EXPECT_EQ(field(f, "evt.count.error.file"), "0");
    EXPECT_EQ(field(f, "fd.uid"), field(f, "thread.tid") + field(f, "fd.num"));
    if (field(f, "evt.abspath") != "<NA>") {  // openat (open has no dirfd)
        EXPECT_EQ(field(f, "evt.abspath"), out);
    }

    EXPECT_EQ(field(o, "fd.nameraw"), "out.txt");
    EXPECT_EQ(field(o, "fd.directory"), dir_);
    EXPECT_EQ(field(o, "fd.filename"), "out.txt");
    EXPECT_EQ(field(o, "fd.typechar"), "f");
    EXPECT_EQ(field(o, "fd.type"), "file");
    EXPECT_EQ(field(o, "fd.ino"), std::to_string(st.st_ino));
    EXPECT_EQ(field(o, "fd.dev"), std::to_string(st.st_dev));
    EXPECT_EQ(field(o, "evt.is_open_read"), "false");
    std::string flags = field(o, "evt.arg.flags");
    for (const char* f : {"O_WRONLY", "O_CREAT", "O_TRUNC"})
        EXPECT_NE(flags.find(f), std::string::npos) << flags;
    EXPECT_EQ(field(o, "evt.arg.mode"), "0666");
    EXPECT_EQ(field(o, "evt.res"), "SUCCESS");
    EXPECT_GE(std::stoi(field(o, "fd.num")), 3);
    EXPECT_EQ(field(o, "evt.rawres"), field(o, "fd.num"));

    Json c = expect_alert("e2e connect fields", [&](const Json& j) {
        return field(j, "fd.sport") == std::to_string(port);
    });
    EXPECT_EQ(field(c, "fd.sip"), "127.0.0.1");
    EXPECT_EQ(field(c, "fd.cip"), "127.0.0.1");
    EXPECT_EQ(field(c, "fd.l4proto"), "tcp");
    EXPECT_EQ(field(c, "fd.typechar"), "4");
    EXPECT_EQ(field(c, "fd.sockfamily"), "ip");
    EXPECT_EQ(field(c, "fd.connected"), "true");
    EXPECT_EQ(field(c, "fd.rport"), std::to_string(port));
    EXPECT_EQ(field(c, "fd.lport"), field(c, "fd.cport"));
    EXPECT_EQ(field(c, "fd.name"),
              "127.0.0.1:" + field(c, "fd.cport") + "->127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(field(c, "evt.res"), "SUCCESS");
    std::filesystem::remove("/tmp/sensor-e2e-fields-rules-" + std::to_string(getpid()) + ".yaml");
}

}  // namespace
