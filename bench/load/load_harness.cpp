// End-to-end load harness: a syscall storm (open/close or fork+exec loops, N threads, fixed
// duration) run bare and then with `sensor run` attached, reporting the workload's rate both
// ways, the sensor's CPU per million events, kernel drops and peak RSS.
//
//   sensor_load --sensor build/sensor --rules ../shared/rules/falco_rules.yaml
//               --workload openclose --threads 1 --seconds 10 --rounds 5
//
// The bare rate on a VM wanders by several percent between runs, so each round runs the
// workload bare and then with a freshly started sensor, and the report gives medians. With
// --hook-baseline each round also runs it under an empty program on the same hook between the
// two, so the report separates the hook's cost (which any probe pays) from the sensor's own.
// With --processes the N workers are single-threaded processes (as stress tools fork them)
// instead of threads of the harness.
//
// Flood workloads: `fcntl` (F_GETFL on one fd: no rule or state table needs it, so the probe
// should leave it in the kernel), `alertburst` (the same calls, each raising an alert through
// a rule the harness adds: reading must keep up while every event matches). --path opens
// another file in `openclose` (e.g. /dev/null); --exec-beside runs a fork+exec loop beside
// the storm, bare and with the sensor, as a node's process churn would.
//
// Needs root (the sensor loads its probe). Prints one JSON object per run on stdout.
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "empty_hook.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
    std::string sensor = "build/sensor";
    std::vector<std::string> rules;
    std::string workload = "openclose";  // openclose | exec | io | uring-read | fcntl | alertburst
    std::string path;                    // openclose: the file opened (default: a temp file)
    bool exec_beside = false;            // a fork+exec loop beside the storm
    int threads = 1;
    double seconds = 10;
    int rounds = 1;
    bool hook_baseline = false;
    bool processes = false;            // workers are forked processes, not threads
    std::vector<std::string> options;  // -o for the sensor
};

// vfork + exec /bin/true + wait (its own frame: vfork may clobber the caller's locals).
__attribute__((noinline)) void exec_true() {
    pid_t pid = vfork();
    if (pid == 0) {
        execl("/bin/true", "true", static_cast<char*>(nullptr));
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
}

// uring-read: 64-byte IORING_OP_READs of the file at offset 0 through a one-entry ring, each
// submitted and waited for with one io_uring_enter (the cost of the io_uring hooks per request).
template <typename Done>
uint64_t uring_reads(const std::string& file, Done done) {
    io_uring_params p{};
    int ring = static_cast<int>(syscall(SYS_io_uring_setup, 1, &p));
    int fd = open(file.c_str(), O_RDONLY);
    if (ring < 0 || fd < 0) return 0;
    size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
    auto map = [&](size_t len, off_t off) {
        return static_cast<char*>(
            mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, off));
    };
    char* sq = map(sq_len, IORING_OFF_SQ_RING);
    char* cq = map(cq_len, IORING_OFF_CQ_RING);
    auto* sqe = reinterpret_cast<io_uring_sqe*>(map(sizeof(io_uring_sqe), IORING_OFF_SQES));
    auto* sq_tail = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
    auto* cq_head = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
    reinterpret_cast<unsigned*>(sq + p.sq_off.array)[0] = 0;
    char buf[64];
    uint64_t n = 0;
    while (!done(n)) {
        *sqe = io_uring_sqe{};
        sqe->opcode = IORING_OP_READ;
        sqe->fd = fd;
        sqe->addr = reinterpret_cast<uint64_t>(buf);
        sqe->len = sizeof buf;
        __atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
        if (syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, nullptr, 0) < 0) break;
        __atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
        ++n;
    }
    munmap(sq, sq_len);
    munmap(cq, cq_len);
    munmap(sqe, sizeof(io_uring_sqe));
    close(fd);
    close(ring);
    return n;
}

// One worker's loop until `done` says stop; returns its iterations.
template <typename Done>
uint64_t work(const Args& a, const std::string& file, Done done) {
    uint64_t n = 0;
    if (a.workload == "exec") {
        while (!done(n)) {
            exec_true();
            ++n;
        }
    } else if (a.workload == "uring-read") {
        n = uring_reads(file, done);
    } else if (a.workload == "fcntl" || a.workload == "alertburst") {
        int fd = open(file.c_str(), O_RDONLY);
        while (!done(n)) {
            if (fcntl(fd, F_GETFL) < 0) break;
            ++n;
        }
        close(fd);
    } else if (a.workload == "io") {
        // 64 bytes written to and read back from one file: 2 I/O events per iteration.
        int fd = open(file.c_str(), O_RDWR);
        char buf[64];
        std::memset(buf, 'x', sizeof buf);
        while (!done(n)) {
            if (pwrite(fd, buf, sizeof buf, 0) < 0 || pread(fd, buf, sizeof buf, 0) < 0) break;
            ++n;
        }
        close(fd);
    } else {
        const std::string& target = a.path.empty() ? file : a.path;
        while (!done(n)) {
            int fd = open(target.c_str(), O_RDONLY);
            close(fd);
            ++n;
        }
    }
    return n;
}

// Runs the storm for `seconds` on `threads` threads (or processes); returns iterations per
// second.
double run_storm(const Args& a) {
    std::string file = "/tmp/sensor-load-" + std::to_string(getpid());
    close(open(file.c_str(), O_CREAT | O_WRONLY, 0644));
    auto start = Clock::now();
    uint64_t total = 0;
    if (a.processes) {
        // Each child counts into shared memory and stops at the deadline on its own (a clock
        // read every 256 iterations, from the vDSO: no syscall the probe would see).
        size_t bytes = sizeof(uint64_t) * static_cast<size_t>(a.threads);
        void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) return 0;
        auto* counts = static_cast<uint64_t*>(mem);
        auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(a.seconds));
        std::vector<pid_t> kids;
        for (int t = 0; t < a.threads; ++t) {
            pid_t pid = fork();
            if (pid == 0) {
                counts[t] = work(
                    a, file, [&](uint64_t n) { return n % 256 == 0 && Clock::now() >= deadline; });
                _exit(0);
            }
            if (pid > 0) kids.push_back(pid);
        }
        for (pid_t k : kids) waitpid(k, nullptr, 0);
        for (int t = 0; t < a.threads; ++t) total += counts[t];
        munmap(mem, bytes);
    } else {
        std::atomic<bool> stop{false};
        std::vector<uint64_t> counts(static_cast<size_t>(a.threads), 0);
        std::vector<std::thread> ts;
        for (int t = 0; t < a.threads; ++t) {
            ts.emplace_back([&, t] {
                counts[static_cast<size_t>(t)] =
                    work(a, file, [&](uint64_t) { return stop.load(std::memory_order_relaxed); });
            });
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
        stop = true;
        for (auto& t : ts) t.join();
        for (auto c : counts) total += c;
    }
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    unlink(file.c_str());
    return static_cast<double>(total) / secs;
}

// Execs per second of the loop beside the storm (--exec-beside) in the last run.
double g_exec_rate = 0;

// The storm, with the exec loop beside it when asked.
double run_workload(const Args& a) {
    std::atomic<bool> stop{false};
    uint64_t execs = 0;
    auto start = Clock::now();
    std::thread beside;
    if (a.exec_beside)
        beside = std::thread([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                exec_true();
                ++execs;
            }
        });
    double rate = run_storm(a);
    if (beside.joinable()) {
        stop = true;
        beside.join();
        g_exec_rate = static_cast<double>(execs) /
                      std::chrono::duration<double>(Clock::now() - start).count();
    }
    return rate;
}

// alertburst: a rule that raises an alert for every F_GETFL of this process.
std::string write_burst_rule() {
    std::string path = "/tmp/sensor-load-burst-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(path) << "- rule: load harness burst\n  desc: every F_GETFL of the harness\n"
                           "  condition: evt.type = fcntl and evt.arg.cmd = F_GETFL and proc.pid = "
                        << getpid() << "\n  output: \"getfl fd=%fd.num\"\n  priority: INFO\n";
    return path;
}

struct ProcUsage {
    double cpu_s = 0;
    uint64_t hwm_kb = 0;
};

ProcUsage usage_of(pid_t pid) {
    ProcUsage u;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(stat)), {});
    size_t rp = s.rfind(')');
    if (rp != std::string::npos) {
        // fields after ") ": state(3) ... utime(14) stime(15)
        std::vector<std::string> f;
        size_t i = rp + 2;
        while (i < s.size()) {
            size_t sp = s.find(' ', i);
            f.push_back(s.substr(i, sp - i));
            if (sp == std::string::npos) break;
            i = sp + 1;
        }
        if (f.size() > 13) {
            double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
            u.cpu_s = (std::stod(f[11]) + std::stod(f[12])) / hz;
        }
    }
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) u.hwm_kb = std::stoull(line.substr(6));
    return u;
}

struct Sensor {
    pid_t pid = -1;
    int err_fd = -1;
    std::string err_text;

    bool start(const Args& a) {
        int p[2];
        if (pipe(p) != 0) return false;
        pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the harness
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(p[1], 2);
            close(p[0]);
            std::vector<std::string> args = {a.sensor, "run"};
            for (const auto& r : a.rules) args.insert(args.end(), {"-r", r});
            for (const auto& o : a.options) args.insert(args.end(), {"-o", o});
            std::vector<char*> argv;
            for (auto& s : args) argv.push_back(s.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(p[1]);
        err_fd = p[0];
        char buf[4096];
        while (err_text.find("ready") == std::string::npos) {
            ssize_t n = read(err_fd, buf, sizeof buf);
            if (n <= 0) return false;
            err_text.append(buf, static_cast<size_t>(n));
        }
        return true;
    }

    void stop() {
        kill(pid, SIGINT);
        char buf[4096];
        ssize_t n;
        while ((n = read(err_fd, buf, sizeof buf)) > 0)
            err_text.append(buf, static_cast<size_t>(n));
        int st = 0;
        waitpid(pid, &st, 0);
        close(err_fd);
    }

    // The number after `label` in the stop line ("... 123 events ...", "dropped ...: 0").
    uint64_t stat_before(const std::string& label) const {
        size_t at = err_text.rfind(label);
        if (at == std::string::npos) return 0;
        size_t end = at;
        while (end > 0 && err_text[end - 1] == ' ') --end;
        size_t begin = end;
        while (begin > 0 && isdigit(static_cast<unsigned char>(err_text[begin - 1]))) --begin;
        return begin < end ? std::stoull(err_text.substr(begin, end - begin)) : 0;
    }
    uint64_t stat_after(const std::string& label) const {
        size_t at = err_text.rfind(label);
        if (at == std::string::npos) return 0;
        return std::stoull(err_text.substr(at + label.size()));
    }
};

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string k = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "missing value for %s\n", k.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (k == "--sensor")
            a.sensor = next();
        else if (k == "--rules")
            a.rules.push_back(next());
        else if (k == "--workload")
            a.workload = next();
        else if (k == "--threads")
            a.threads = std::stoi(next());
        else if (k == "--seconds")
            a.seconds = std::stod(next());
        else if (k == "--rounds")
            a.rounds = std::max(1, std::stoi(next()));
        else if (k == "--path")
            a.path = next();
        else if (k == "--exec-beside")
            a.exec_beside = true;
        else if (k == "--hook-baseline")
            a.hook_baseline = true;
        else if (k == "--processes")
            a.processes = true;
        else if (k == "-o")
            a.options.push_back(next());
        else {
            std::fprintf(stderr,
                         "usage: sensor_load [--sensor BIN] [--rules FILE]... [--workload "
                         "openclose|exec|io|uring-read|fcntl|alertburst] [--path FILE] "
                         "[--exec-beside] [--threads N] "
                         "[--processes] [--seconds S] [--rounds N] [--hook-baseline] "
                         "[-o key=value]...\n");
            return 2;
        }
    }
    const std::vector<std::string> workloads = {"openclose",  "exec",  "io",
                                                "uring-read", "fcntl", "alertburst"};
    if (std::find(workloads.begin(), workloads.end(), a.workload) == workloads.end()) {
        std::fprintf(stderr, "unknown workload %s\n", a.workload.c_str());
        return 2;
    }
    std::string burst_rule;
    if (a.workload == "alertburst") a.rules.push_back(burst_rule = write_burst_rule());
    struct Round {
        double bare, hook, with, cpu_s;
        uint64_t events, filtered, quiet, drops, hwm_kb, alerts, filtered_calls;
        double exec_rate;
    };
    std::vector<Round> rounds;
    for (int r = 0; r < a.rounds; ++r) {
        double bare = run_workload(a);
        double hook = 0;
        if (a.hook_baseline) {
            EmptySysExitHook h;
            std::string err;
            if (!h.attach(err)) {
                std::fprintf(stderr, "%s\n", err.c_str());
                return 1;
            }
            hook = run_workload(a);
        }
        Sensor s;
        if (!s.start(a)) {
            std::fprintf(stderr, "sensor did not start:\n%s\n", s.err_text.c_str());
            return 1;
        }
        ProcUsage before = usage_of(s.pid);
        double with = run_workload(a);
        // Let the sensor finish what the kernel queued before measuring its CPU.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ProcUsage after = usage_of(s.pid);
        s.stop();
        rounds.push_back(
            {bare, hook, with, after.cpu_s - before.cpu_s, s.stat_before(" events"),
             s.stat_before(" opens no rule could match"), s.stat_before(" of their closes"),
             s.stat_after("dropped in the kernel: "), after.hwm_kb, s.stat_before(" alerts;"),
             s.stat_before(" calls with arguments no rule or state needs"), g_exec_rate});
    }
    auto median = [&](auto get) {
        std::vector<double> v;
        for (const Round& r : rounds) v.push_back(get(r));
        std::sort(v.begin(), v.end());
        size_t n = v.size();
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    };
    double bare = median([](const Round& r) { return r.bare; });
    double with = median([](const Round& r) { return r.with; });
    double cpu = 0;
    uint64_t events = 0, filtered = 0, quiet = 0, drops = 0, hwm = 0, alerts = 0,
             filtered_calls = 0;
    std::string ratios, round_rates;
    for (const Round& r : rounds) {
        cpu += r.cpu_s;
        events += r.events;
        filtered += r.filtered;
        quiet += r.quiet;
        drops += r.drops;
        alerts += r.alerts;
        filtered_calls += r.filtered_calls;
        hwm = std::max(hwm, r.hwm_kb);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.3f", ratios.empty() ? "" : ",", r.with / r.bare);
        ratios += buf;
        // Each round's rates as [bare, hook, sensor], to tell a slow host phase (all three
        // down) from a slow sensor round.
        char rates[96];
        std::snprintf(rates, sizeof rates, "%s[%.0f,%.0f,%.0f]", round_rates.empty() ? "" : ",",
                      r.bare, r.hook, r.with);
        round_rates += rates;
    }
    double window = (a.seconds + 0.3) * static_cast<double>(rounds.size());
    // Per traced syscall the probe handled, sent or left in the kernel: the workload's
    // events, as Falco's figure counts them.
    uint64_t traced = events + filtered + quiet;
    std::string hook_fields;
    if (a.hook_baseline) {
        // Per-round ratios, so that drift between rounds does not enter them.
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "\"hook_rate\":%.0f,\"hook_ratio\":%.3f,\"sensor_to_hook_ratio\":%.3f,",
                      median([](const Round& r) { return r.hook; }),
                      median([](const Round& r) { return r.hook / r.bare; }),
                      median([](const Round& r) { return r.with / r.hook; }));
        hook_fields = buf;
    }
    std::printf(
        "{\"workload\":\"%s\",\"%s\":%d,\"seconds\":%.1f,\"rounds\":%zu,"
        "\"bare_rate\":%.0f,\"sensor_rate\":%.0f,\"ratio\":%.3f,\"round_ratio_median\":%.3f,"
        "\"round_ratios\":[%s],"
        "\"round_rates\":[%s],%s"
        "\"sensor_events\":%llu,\"kernel_filtered_opens\":%llu,\"kernel_quiet_closes\":%llu,"
        "\"kernel_drops\":%llu,\"kernel_filtered_calls\":%llu,\"sensor_alerts\":%llu,"
        "\"exec_beside_rate\":%.0f,"
        "\"sensor_cpu_s\":%.2f,\"sensor_cpu_pct\":%.1f,\"cpu_s_per_million_events\":%.3f,"
        "\"sensor_peak_rss_kb\":%llu}\n",
        a.workload.c_str(), a.processes ? "processes" : "threads", a.threads, a.seconds,
        rounds.size(), bare, with, with / bare,
        median([](const Round& r) { return r.with / r.bare; }), ratios.c_str(), round_rates.c_str(),
        hook_fields.c_str(), static_cast<unsigned long long>(events),
        static_cast<unsigned long long>(filtered), static_cast<unsigned long long>(quiet),
        static_cast<unsigned long long>(drops), static_cast<unsigned long long>(filtered_calls),
        static_cast<unsigned long long>(alerts), median([](const Round& r) { return r.exec_rate; }),
        cpu, 100.0 * cpu / window, traced ? cpu / (static_cast<double>(traced) / 1e6) : 0.0,
        static_cast<unsigned long long>(hwm));
    if (!burst_rule.empty()) unlink(burst_rule.c_str());
    return 0;
}
