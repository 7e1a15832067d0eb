// Bootstrap from procfs: a fake tree with exact values, and the real /proc.
#include <gtest/gtest.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sensor/state/container_table.h"
#include "sensor/state/proc_scan.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace fs = std::filesystem;
using sensor::state::bootstrap_from_proc;
using sensor::state::ContainerTable;
using sensor::state::ProcessInfo;
using sensor::state::ProcessTable;
using sensor::state::ProcScanOptions;
using sensor::state::UserTable;

namespace {

const std::string kCriId = "18d46e8597aebea899ecbf34122cb6464bde0829e02b9c6e417982ecfe25a334";
constexpr uint64_t kBtime = 1700000000;

struct FakeTask {
    int64_t tid = 0, pid = 0, ppid = 0;
    std::string comm{};
    uint32_t uid = 0, gid = 0;
    std::string cap_inh = "0000000000000000", cap_prm = "0000000000000000",
                cap_eff = "0000000000000000";
    std::string nspid{}, nstgid{}, nspgid{};  // "" = same as host
    int64_t pgrp = 0, session = 0;
    uint32_t tty = 0;
    uint64_t start_ticks = 0;
    std::string loginuid = "4294967295";
};

class ProcScanFake : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/sensor_proc_XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        proc_ = root_ / "proc";
        fs::create_directories(proc_);
        fs::create_directories(root_ / "etc");
        put(root_ / "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n");
        put(root_ / "etc/group", "root:x:0:\nalice:x:1000:\n");
        put(proc_ / "stat", "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5\nctxt 6\nbtime " +
                                std::to_string(kBtime) + "\nprocesses 7\n");
    }
    void TearDown() override { fs::remove_all(root_); }

    static void put(const fs::path& p, const std::string& text) {
        std::ofstream out(p, std::ios::binary);
        out << text;
    }

    static void write_task(const fs::path& dir, const FakeTask& t) {
        fs::create_directories(dir);
        put(dir / "comm", t.comm + "\n");
        auto ns = [](const std::string& v, int64_t dflt) {
            return v.empty() ? std::to_string(dflt) : v;
        };
        put(dir / "status",
            "Name:\t" + t.comm + "\nUmask:\t0022\nState:\tS (sleeping)\n" + "Tgid:\t" +
                std::to_string(t.pid) + "\nNgid:\t0\nPid:\t" + std::to_string(t.tid) + "\nPPid:\t" +
                std::to_string(t.ppid) + "\nTracerPid:\t0\nUid:\t" + std::to_string(t.uid + 5) +
                "\t" + std::to_string(t.uid) + "\t" + std::to_string(t.uid) + "\t" +
                std::to_string(t.uid) + "\nGid:\t7\t" + std::to_string(t.gid) +
                "\t7\t7\nFDSize:\t64\nNStgid:\t" + ns(t.nstgid, t.pid) + "\nNSpid:\t" +
                ns(t.nspid, t.tid) + "\nNSpgid:\t" + ns(t.nspgid, t.pgrp) + "\nNSsid:\t" +
                std::to_string(t.session) + "\nCapInh:\t" + t.cap_inh + "\nCapPrm:\t" + t.cap_prm +
                "\nCapEff:\t" + t.cap_eff + "\nCapBnd:\t000001ffffffffff\n");
        put(dir / "stat", std::to_string(t.tid) + " (" + t.comm + ") S " + std::to_string(t.ppid) +
                              " " + std::to_string(t.pgrp) + " " + std::to_string(t.session) + " " +
                              std::to_string(t.tty) + " -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 " +
                              std::to_string(t.start_ticks) + " 1000 200 18446744073709551615\n");
        put(dir / "loginuid", t.loginuid);
    }

    // A process: its leader task in /proc/<pid>, plus task/<tid> for itself and each thread.
    void write_process(const FakeTask& leader, const std::string& exe, const std::string& cwd,
                       const std::string& cmdline, const std::string& cgroup,
                       const std::string& environ = "", const std::vector<FakeTask>& threads = {}) {
        fs::path dir = proc_ / std::to_string(leader.pid);
        write_task(dir, leader);
        write_task(dir / "task" / std::to_string(leader.tid), leader);
        for (const FakeTask& t : threads) write_task(dir / "task" / std::to_string(t.tid), t);
        if (!exe.empty()) fs::create_symlink(exe, dir / "exe");
        if (!cwd.empty()) fs::create_symlink(cwd, dir / "cwd");
        put(dir / "cmdline", cmdline);
        put(dir / "cgroup", cgroup);
        put(dir / "environ", environ);
    }

    void build_tree() {
        FakeTask init{.tid = 1, .pid = 1, .ppid = 0, .comm = "systemd", .pgrp = 1, .session = 1};
        init.start_ticks = 2;
        init.cap_eff = init.cap_prm = "000001ffffffffff";
        write_process(init, "/usr/lib/systemd/systemd", "/",
                      std::string("/sbin/init\0splash\0", 18), "0::/init.scope\n");

        FakeTask kthreadd{.tid = 2, .pid = 2, .ppid = 0, .comm = "kthreadd"};
        write_process(kthreadd, "", "/", "", "0::/\n");

        FakeTask sshd{
            .tid = 800, .pid = 800, .ppid = 1, .comm = "sshd", .pgrp = 800, .session = 800};
        write_process(sshd, "/usr/sbin/sshd", "/", std::string("sshd: alice [priv]\0", 19),
                      "0::/system.slice/ssh.service\n");

        // An interactive shell on pts/1 (major 136, minor 1), logged in as alice.
        FakeTask bash{.tid = 900,
                      .pid = 900,
                      .ppid = 800,
                      .comm = "bash",
                      .uid = 1000,
                      .gid = 1000,
                      .pgrp = 900,
                      .session = 900,
                      .tty = (136 << 8) | 1,
                      .start_ticks = 12345,
                      .loginuid = "1000"};
        write_process(bash, "/usr/bin/bash", "/home/alice", std::string("-bash\0--login\0", 14),
                      "0::/user.slice/user-1000.slice/session-3.scope\n",
                      std::string("HOME=/home/alice\0TERM=xterm-256color\0LANG=C.UTF-8\0", 50));

        // A containerised server with a worker thread, in its own pid namespace.
        FakeTask nginx{.tid = 1200,
                       .pid = 1200,
                       .ppid = 900,
                       .comm = "nginx",
                       .pgrp = 1200,
                       .session = 1200,
                       .start_ticks = 50000};
        nginx.nspid = "1200\t1";
        nginx.nstgid = "1200\t1";
        nginx.nspgid = "1200\t1";
        nginx.cap_eff = "00000000a80425fb";
        nginx.cap_prm = "00000000a80425fb";
        nginx.cap_inh = "0000000000000400";
        FakeTask worker = nginx;
        worker.tid = 1201;
        worker.comm = "nginx-worker";
        worker.nspid = "1201\t2";
        worker.start_ticks = 50007;
        write_process(nginx, "/usr/sbin/nginx", "/",
                      std::string("nginx: master process nginx -g daemon off;\0", 43),
                      "12:memory:/kubepods/besteffort/pod7528063c-76ea-4da3-91a4-3c225ae55d24/" +
                          kCriId +
                          "\n0::/kubepods.slice/kubepods-besteffort.slice/"
                          "kubepods-besteffort-pod7528063c_76ea_4da3_91a4_3c225ae55d24."
                          "slice/cri-containerd-" +
                          kCriId + ".scope\n",
                      "", {worker});

        // comm with ") " inside it, and a parent that is not in the table.
        FakeTask odd{.tid = 1300, .pid = 1300, .ppid = 4444, .comm = "we) ird (x"};
        write_process(odd, "/tmp/a b/odd (deleted)", "/tmp/a b", std::string("./odd\0", 6),
                      "0::/\n");

        // Vanished mid-scan: the directory is there, its files are not.
        fs::create_directories(proc_ / "1400");
        // Broken stat: counted as an error and skipped.
        FakeTask broken{.tid = 1500, .pid = 1500, .ppid = 1, .comm = "broken"};
        write_process(broken, "/bin/true", "/", std::string("true\0", 5), "0::/\n");
        put(proc_ / "1500" / "stat", "1500 no parens here\n");
        // Non-pid entries are ignored.
        fs::create_directories(proc_ / "self");
        fs::create_directories(proc_ / "sys");
    }

    fs::path root_, proc_;
};

TEST_F(ProcScanFake, ExactValues) {
    build_tree();
    UserTable users = UserTable::under_root(root_.string());
    ContainerTable containers;
    ProcessTable t(containers, &users);
    ProcScanOptions opts;
    opts.proc_root = proc_.string();
    opts.environ = true;
    opts.clock_ticks = 100;
    auto stats = bootstrap_from_proc(t, opts);
    EXPECT_EQ(stats.processes, 6u);  // 1, 2, 800, 900, 1200, 1300
    EXPECT_EQ(stats.threads, 1u);    // 1201
    EXPECT_EQ(stats.vanished, 1u);   // 1400
    EXPECT_EQ(stats.errors, 1u);     // 1500's stat
    EXPECT_EQ(t.size(), 7u);
    EXPECT_EQ(t.find(1400), nullptr);
    EXPECT_EQ(t.find(1500), nullptr);

    const ProcessInfo* init = t.find(1);
    ASSERT_NE(init, nullptr);
    EXPECT_EQ(init->name, "systemd");
    EXPECT_EQ(init->exe, "/sbin/init");
    EXPECT_EQ(init->exepath, "/usr/lib/systemd/systemd");
    EXPECT_EQ(init->cmdline, "systemd splash");
    EXPECT_EQ(init->cwd, "/");
    EXPECT_EQ(init->parent, nullptr);
    EXPECT_EQ(init->cap_effective, 0x1ffffffffffULL);
    EXPECT_EQ(init->start_ts, kBtime * 1'000'000'000ULL + 20'000'000ULL);
    EXPECT_TRUE(init->container->is_host());

    const ProcessInfo* kt = t.find(2);
    ASSERT_NE(kt, nullptr);
    EXPECT_EQ(kt->exe, "kthreadd");  // no cmdline: comm stands in
    EXPECT_EQ(kt->exepath, "");
    EXPECT_TRUE(kt->argv.empty());

    const ProcessInfo* bash = t.find(900);
    ASSERT_NE(bash, nullptr);
    EXPECT_EQ(bash->pid, 900);
    EXPECT_EQ(bash->ppid, 800);
    EXPECT_EQ(bash->exe, "-bash");
    ASSERT_EQ(bash->argv.size(), 1u);
    EXPECT_EQ(bash->argv[0], "--login");
    EXPECT_EQ(bash->cmdline, "bash --login");
    EXPECT_EQ(bash->cwd, "/home/alice/");
    EXPECT_EQ(bash->tty, 34817u);
    EXPECT_EQ(bash->sid, 900);
    EXPECT_EQ(bash->vpgid, 900);
    EXPECT_EQ(bash->uid, 1000u);  // effective, not the real uid (1005)
    EXPECT_EQ(bash->gid, 1000u);
    EXPECT_EQ(bash->loginuid, 1000u);
    ASSERT_NE(bash->user, nullptr);
    EXPECT_EQ(bash->user->name, "alice");
    ASSERT_NE(bash->loginuser, nullptr);
    EXPECT_EQ(bash->loginuser->name, "alice");
    ASSERT_NE(bash->group, nullptr);
    EXPECT_EQ(bash->group->name, "alice");
    EXPECT_EQ(bash->start_ts, kBtime * 1'000'000'000ULL + 123'450'000'000ULL);
    ASSERT_EQ(bash->env.size(), 3u);
    EXPECT_EQ(bash->env[1], "TERM=xterm-256color");
    EXPECT_TRUE(bash->container->is_host());
    ASSERT_NE(bash->parent, nullptr);
    EXPECT_EQ(bash->parent->name, "sshd");
    EXPECT_EQ(bash->parent->parent, init);
    EXPECT_EQ(t.find(800)->exe, "sshd: alice [priv]");
    EXPECT_EQ(t.find(800)->loginuser, nullptr);  // loginuid unset
    EXPECT_EQ(t.find(800)->loginuid, UINT32_MAX);

    const ProcessInfo* nginx = t.find(1200);
    ASSERT_NE(nginx, nullptr);
    EXPECT_EQ(nginx->vpid, 1);
    EXPECT_EQ(nginx->vtid, 1);
    EXPECT_EQ(nginx->vpgid, 1);
    EXPECT_EQ(nginx->cap_effective, 0xa80425fbULL);
    EXPECT_EQ(nginx->cap_permitted, 0xa80425fbULL);
    EXPECT_EQ(nginx->cap_inheritable, 0x400ULL);
    EXPECT_EQ(nginx->exe, "nginx: master process nginx -g daemon off;");
    EXPECT_TRUE(nginx->argv.empty());
    EXPECT_TRUE(nginx->env.empty());
    ASSERT_NE(nginx->container, nullptr);
    EXPECT_EQ(nginx->container->id, "18d46e8597ae");
    EXPECT_EQ(nginx->container->full_id, kCriId);
    EXPECT_EQ(nginx->parent, bash);
    EXPECT_EQ(t.thread_count(1200), 2u);

    const ProcessInfo* worker = t.find(1201);
    ASSERT_NE(worker, nullptr);
    EXPECT_EQ(worker->name, "nginx-worker");
    EXPECT_EQ(worker->pid, 1200);
    EXPECT_EQ(worker->vtid, 2);
    EXPECT_EQ(worker->vpid, 1);
    EXPECT_EQ(worker->exepath, "/usr/sbin/nginx");  // process-wide, from the leader
    EXPECT_EQ(worker->container, nginx->container);
    EXPECT_EQ(worker->parent, bash);
    EXPECT_EQ(worker->start_ts, kBtime * 1'000'000'000ULL + 500'070'000'000ULL);

    const ProcessInfo* odd = t.find(1300);
    ASSERT_NE(odd, nullptr);
    EXPECT_EQ(odd->name, "we) ird (x");
    EXPECT_EQ(odd->ppid, 4444);
    EXPECT_EQ(odd->parent, nullptr);
    EXPECT_EQ(odd->exepath, "/tmp/a b/odd (deleted)");
    EXPECT_EQ(odd->cwd, "/tmp/a b/");
}

TEST_F(ProcScanFake, EnvironCapDropsPartialVariable) {
    build_tree();
    ContainerTable containers;
    ProcessTable t(containers, nullptr);
    ProcScanOptions opts;
    opts.proc_root = proc_.string();
    opts.environ = true;
    opts.environ_cap = 20;  // "HOME=/home/alice\0TER" -> only HOME survives
    bootstrap_from_proc(t, opts);
    ASSERT_NE(t.find(900), nullptr);
    ASSERT_EQ(t.find(900)->env.size(), 1u);
    EXPECT_EQ(t.find(900)->env[0], "HOME=/home/alice");
    EXPECT_EQ(t.find(900)->user, nullptr);  // no user table
}

TEST_F(ProcScanFake, WithoutThreadsAndBounded) {
    build_tree();
    ContainerTable containers;
    ProcessTable t(containers, nullptr, 3);
    ProcScanOptions opts;
    opts.proc_root = proc_.string();
    opts.threads = false;
    auto stats = bootstrap_from_proc(t, opts);
    EXPECT_EQ(stats.threads, 0u);
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.stats().evictions, 3u);
    EXPECT_NE(t.find(1), nullptr);
}

TEST_F(ProcScanFake, MissingRoot) {
    ContainerTable containers;
    ProcessTable t(containers, nullptr);
    ProcScanOptions opts;
    opts.proc_root = (root_ / "nope").string();
    auto stats = bootstrap_from_proc(t, opts);
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(stats.errors, 2u);  // /proc/stat and the directory
}

TEST(ProcScanReal, FindsThisProcess) {
    // A second thread that is alive during the scan.
    std::atomic<pid_t> worker_tid{0};
    std::atomic<bool> done{false};
    std::thread worker([&] {
        worker_tid = ::gettid();
        while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    while (!worker_tid) std::this_thread::yield();

    UserTable users("/etc/passwd", "/etc/group");
    ContainerTable containers;
    ProcessTable t(containers, &users);
    auto stats = bootstrap_from_proc(t);
    done = true;
    worker.join();

    EXPECT_GT(stats.processes, 1u);
    // Sandboxes may deny other processes' exe/cwd links even to root (EACCES): counted, and
    // the processes are still there.
    if (stats.errors)
        std::printf("scan errors: %llu, first: %s\n", static_cast<unsigned long long>(stats.errors),
                    stats.first_error.c_str());
    const ProcessInfo* self = t.find(::getpid());
    ASSERT_NE(self, nullptr);
    EXPECT_EQ(self->pid, ::getpid());
    // comm is the executed file's name, cut to 15 characters.
    EXPECT_EQ(self->name, fs::path(program_invocation_name).filename().string().substr(0, 15));
    EXPECT_EQ(self->exepath, fs::read_symlink("/proc/self/exe").string());
    EXPECT_EQ(self->exe, std::string(program_invocation_name));
    ASSERT_FALSE(self->argv.empty() && ::testing::internal::GetArgvs().size() > 1);
    auto gargs = ::testing::internal::GetArgvs();
    ASSERT_EQ(self->argv.size() + 1, gargs.size());
    for (size_t i = 1; i < gargs.size(); ++i) EXPECT_EQ(self->argv[i - 1], gargs[i]);
    EXPECT_EQ(self->uid, ::geteuid());
    EXPECT_EQ(self->gid, ::getegid());
    EXPECT_EQ(self->cwd, fs::current_path().string() + (fs::current_path() == "/" ? "" : "/"));
    if (::geteuid() == 0) {
        ASSERT_NE(self->user, nullptr);
        EXPECT_EQ(self->user->name, "root");
    }
    EXPECT_GT(self->start_ts, 1'600'000'000ULL * 1'000'000'000ULL);

    const ProcessInfo* th = t.find(worker_tid);
    ASSERT_NE(th, nullptr);
    EXPECT_EQ(th->pid, ::getpid());
    EXPECT_EQ(th->exepath, self->exepath);
    EXPECT_EQ(th->parent, self->parent);

    // Ancestry up to pid 1.
    ASSERT_NE(self->parent, nullptr);
    EXPECT_EQ(self->parent->pid, ::getppid());
    const ProcessInfo* a = self;
    int depth = 0;
    while (a->parent && depth < 100) {
        EXPECT_EQ(a->ppid, a->parent->pid);
        a = a->parent;
        ++depth;
    }
    EXPECT_EQ(a->pid, 1);
    EXPECT_EQ(t.find(1), a);
}

}  // namespace
