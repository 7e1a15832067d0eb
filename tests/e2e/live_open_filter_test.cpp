// End to end, as root: the probe's open path filter. Opens no loaded rule can match stay in
// the kernel and are counted; opens a rule wants still alert; a filtered file is still known
// to later events (dup) through the lazy /proc lookup; a reload that adds a path sends it.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

namespace fs = std::filesystem;
using sensor::testing::LiveSensor;

namespace {

std::string open_rule(const std::string& name, const std::string& prefix) {
    return "- rule: " + name +
           "\n  desc: d\n  condition: evt.type in (open, openat, openat2) and fd.name startswith " +
           prefix + "\n  output: \"opened %fd.name\"\n  priority: INFO\n";
}

std::string dup_rule(const std::string& prefix) {
    return "- rule: Dup of a watched file\n  desc: d\n  condition: evt.type in (dup, dup2, dup3) "
           "and fd.name startswith " +
           prefix + "\n  output: \"dup %fd.name %fd.num\"\n  priority: INFO\n";
}

// The count of the stop line's "N opens no rule could match left in the kernel".
long filtered_at_stop(const std::string& log) {
    std::smatch m;
    static const std::regex re("(\\d+) opens no rule could match left in the kernel");
    return std::regex_search(log, m, re) ? std::stol(m[1]) : -1;
}

long quiet_closes_at_stop(const std::string& log) {
    std::smatch m;
    static const std::regex re("and (\\d+) of their closes");
    return std::regex_search(log, m, re) ? std::stol(m[1]) : -1;
}

// Runs f in a child process, which has one thread (the test process has several), so that
// only f's own syscalls come between its opens and closes.
template <typename F>
void in_single_threaded_child(F f) {
    pid_t pid = fork();
    if (pid == 0) {
        f();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
}

void open_close(const std::string& path, int times) {
    for (int i = 0; i < times; ++i) {
        int fd = open(path.c_str(), O_RDONLY);
        if (fd >= 0) close(fd);
    }
}

// The fd.name of each alert of `rule` the sensor wrote (all of them, once it has stopped).
std::vector<std::string> fd_names_of(LiveSensor& s, const std::string& rule) {
    std::vector<std::string> names;
    for (const auto& a : s.alerts())
        if (a.value("rule", "") == rule) names.push_back(a["output_fields"].value("fd.name", ""));
    return names;
}

bool wait_log(LiveSensor& s, const std::string& needle) {
    for (int i = 0; i < 200; ++i) {
        if (s.stderr_text().find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

class LiveOpenFilter : public ::testing::Test {
  protected:
    void SetUp() override {
        SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
        dir_ = sensor::testing::fresh_dir("open-filter");
        for (const char* f : {"keep.txt", "other.txt", "late.txt"})
            std::ofstream(dir_ + "/" + f) << "x";
        rules_ = dir_ + "/rules.yaml";
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }
    std::string dir_, rules_;
};

}  // namespace

TEST_F(LiveOpenFilter, OpensNoRuleCanMatchStayInTheKernelAndTheRestAlert) {
    // A file opened before the sensor started: its dup is named from /proc.
    int before = open((dir_ + "/other-before.txt").c_str(), O_RDONLY | O_CREAT, 0644);
    ASSERT_GE(before, 0);
    // The dup rule's files count as the open rule's do: a dup takes the name from the fd
    // table, which knows only the opens that were sent.
    std::ofstream(rules_) << open_rule("Keep opened", dir_ + "/keep") + dup_rule(dir_ + "/other");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    EXPECT_NE(s.stderr_text().find("open path filter: opens are sent when the path starts with "
                                   "one of 2 prefixes"),
              std::string::npos)
        << s.stderr_text();

    open_close(dir_ + "/late.txt", 500);
    open_close(dir_ + "/keep.txt", 1);
    auto keep = s.wait_alert([](const auto& a) { return a.value("rule", "") == "Keep opened"; });
    ASSERT_TRUE(keep.has_value());
    EXPECT_EQ((*keep)["output_fields"].value("fd.name", ""), dir_ + "/keep.txt");

    int fd = open((dir_ + "/other.txt").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    int copies[2] = {dup(fd), dup(before)};
    for (int i = 0; i < 2; ++i) {
        auto dup_alert = s.wait_alert([&](const auto& a) {
            return a.value("rule", "") == "Dup of a watched file" &&
                   a["output_fields"].value("fd.num", -1) == copies[i];
        });
        ASSERT_TRUE(dup_alert.has_value()) << s.stderr_text();
        EXPECT_EQ((*dup_alert)["output_fields"].value("fd.name", ""),
                  dir_ + (i == 0 ? "/other.txt" : "/other-before.txt"));
    }
    for (int f : {copies[0], copies[1], fd, before}) close(f);

    EXPECT_EQ(s.stop(), 0);
    for (const auto& a : s.alerts()) {
        if (a.value("rule", "") == "Keep opened") {
            EXPECT_EQ(a["output_fields"].value("fd.name", ""), dir_ + "/keep.txt");
        }
    }
    // The 500 opens of late.txt, and the rest of the machine's opens meanwhile.
    EXPECT_GE(filtered_at_stop(s.stderr_text()), 500) << s.stderr_text();
}

TEST_F(LiveOpenFilter, OffEveryOpenIsSent) {
    std::ofstream(rules_) << open_rule("Keep opened", dir_ + "/keep");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_, "-o", "capture.open_path_filter=false"}, err)) << err;
    open_close(dir_ + "/other.txt", 200);
    open_close(dir_ + "/keep.txt", 1);
    ASSERT_TRUE(s.wait_alert([](const auto& a) { return a.value("rule", "") == "Keep opened"; }));
    EXPECT_EQ(s.stop(), 0);
    EXPECT_EQ(filtered_at_stop(s.stderr_text()), 0) << s.stderr_text();
}

TEST_F(LiveOpenFilter, AReloadThatWantsMorePathsSendsThem) {
    std::ofstream(rules_) << open_rule("Keep opened", dir_ + "/keep");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    open_close(dir_ + "/late.txt", 1);
    std::ofstream(rules_ + ".new")
        << open_rule("Keep opened", dir_ + "/keep") + open_rule("Late opened", dir_ + "/late");
    fs::rename(rules_ + ".new", rules_);
    kill(s.pid(), SIGHUP);
    ASSERT_TRUE(wait_log(s, "rules reloaded: 2 rules")) << s.stderr_text();
    open_close(dir_ + "/late.txt", 1);
    auto late = s.wait_alert([](const auto& a) { return a.value("rule", "") == "Late opened"; });
    ASSERT_TRUE(late.has_value()) << s.stderr_text();
    EXPECT_EQ((*late)["output_fields"].value("fd.name", ""), dir_ + "/late.txt");
    EXPECT_EQ(s.stop(), 0);
    // Before the reload nothing wanted late.txt: exactly one alert, the one after it.
    EXPECT_EQ(fd_names_of(s, "Late opened").size(), 1u);
}

TEST_F(LiveOpenFilter, NeedlesAndSuffixesAreFoundInTheKernelPathAndTheGivenPath) {
    // One rule asks for a string in fd.name (searched in the kernel path), one for a string
    // in fd.nameraw (searched in the path the process gave). Directories of 1 to 8 letters
    // put each needle at every offset within the probe's 8-byte words.
    std::ofstream(rules_) << "- rule: Name needle\n  desc: d\n  condition: evt.type in (open, "
                             "openat, openat2) and fd.name contains ndl7\n  output: \"name "
                             "%fd.name\"\n  priority: INFO\n"
                             "- rule: Raw needle\n  desc: d\n  condition: evt.type in (open, "
                             "openat, openat2) and fd.nameraw contains \"zq/.\"\n  output: "
                             "\"raw %fd.nameraw\"\n  priority: INFO\n"
                             "- rule: Name ends\n  desc: d\n  condition: evt.type in (open, "
                             "openat, openat2) and (fd.name endswith -tail.log or fd.name "
                             "endswith .q7)\n  output: \"end %fd.name\"\n  priority: INFO\n";
    std::vector<std::string> pads;
    for (int i = 1; i <= 8; ++i) {
        std::string pad = dir_ + "/" + std::string(i, 'p');
        fs::create_directories(pad + "/zq");
        for (const char* f : {"/ndl7.txt", "/ndl8.txt", "/zq/f.txt", "/a-tail.log", "/b.q7"})
            std::ofstream(pad + f) << "x";
        pads.push_back(pad);
    }
    // Longer than the probe scans: sent whatever it holds.
    std::string deep = dir_ + "/" + std::string(200, 'd') + "/" + std::string(60, 'e');
    fs::create_directories(deep);
    std::ofstream(deep + "/ndl7.txt") << "x";

    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    EXPECT_NE(s.stderr_text().find("contains one of 1 strings, or was given containing one of 1"),
              std::string::npos)
        << s.stderr_text();
    for (const auto& pad : pads) {
        open_close(pad + "/ndl8.txt", 50);  // no needle: left in the kernel
        open_close(pad + "/zq/f.txt", 50);  // the raw needle's bytes, but not given as such
        open_close(pad + "/ndl7.txt", 1);
        open_close(pad + "/zq/./f.txt", 1);
        open_close(pad + "/a-tail.log", 1);  // a suffix of 4 bytes or more, and a shorter one
        open_close(pad + "/b.q7", 1);
    }
    open_close(deep + "/ndl7.txt", 1);
    ASSERT_TRUE(s.wait_alert([&](const auto& a) {
        return a["output_fields"].value("fd.name", "") == deep + "/ndl7.txt";
    })) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);

    std::set<std::string> names, raws, ends;
    for (const auto& a : s.alerts()) {
        if (a.value("rule", "") == "Name ends") ends.insert(a["output_fields"]["fd.name"]);
        if (a.value("rule", "") == "Name needle") names.insert(a["output_fields"]["fd.name"]);
        if (a.value("rule", "") == "Raw needle") raws.insert(a["output_fields"]["fd.nameraw"]);
    }
    for (const auto& pad : pads) {
        EXPECT_TRUE(names.count(pad + "/ndl7.txt")) << pad;
        EXPECT_TRUE(raws.count(pad + "/zq/./f.txt")) << pad;
        EXPECT_TRUE(ends.count(pad + "/a-tail.log")) << pad;
        EXPECT_TRUE(ends.count(pad + "/b.q7")) << pad;
    }
    EXPECT_EQ(ends.size(), 2 * pads.size());
    EXPECT_EQ(names.size(), pads.size() + 1);
    EXPECT_EQ(raws.size(), pads.size());
    EXPECT_GE(filtered_at_stop(s.stderr_text()), 8 * 100) << s.stderr_text();
}

TEST_F(LiveOpenFilter, ClosesOfFilteredOpensStayInTheKernelUnlessSomethingWasRecordedBetween) {
    std::ofstream(rules_) << dup_rule(dir_ + "/keep");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    std::string keep = dir_ + "/keep.txt", other = dir_ + "/other.txt", late = dir_ + "/late.txt";
    // Opens no rule wants, each closed at once: neither reaches user space.
    in_single_threaded_child([&] { open_close(other, 300); });
    // A filtered open whose fd then gets a watched file dup'ed onto it: the close of that fd
    // closes the watched file, which the sensor knows, so it must be sent. Kept in the kernel,
    // the sensor would go on naming the fd after keep.txt, and the dup of the next file under
    // that number (late.txt, filtered) would alert as a dup of keep.txt.
    in_single_threaded_child([&] {
        int watched = open(keep.c_str(), O_RDONLY);
        int fd = open(other.c_str(), O_RDONLY);
        dup2(watched, fd);
        close(fd);
        int again = open(late.c_str(), O_RDONLY);
        if (again == fd) close(dup(again));
        close(again);
        close(watched);
    });
    ASSERT_TRUE(s.wait_alert([](const auto& a) {
        return a.value("rule", "") == "Dup of a watched file";
    })) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);  // drains what is left
    EXPECT_EQ(fd_names_of(s, "Dup of a watched file"), std::vector<std::string>{keep});
    // Most of the 300 (a child preempted between an open and its close sends that close).
    EXPECT_GE(quiet_closes_at_stop(s.stderr_text()), 200) << s.stderr_text();
}

TEST_F(LiveOpenFilter, ClosesOfFilteredOpensStayInTheKernelInMultiThreadedProcessesToo) {
    std::ofstream(rules_) << open_rule("Keep opened", dir_ + "/keep");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    // A thread of this process, which has several (the sensor's output readers among them).
    std::thread storm([&] { open_close(dir_ + "/other.txt", 300); });
    storm.join();
    EXPECT_EQ(s.stop(), 0);
    EXPECT_GE(quiet_closes_at_stop(s.stderr_text()), 200) << s.stderr_text();
}

TEST_F(LiveOpenFilter, ARuleOnCloseGetsTheOpensOfItsFilesSent) {
    // A close sees the fd's name only from its open's record: the fd is gone by then, so it
    // cannot be read from /proc. So a rule on close makes the filter send the opens of the
    // files it names (and only those), and their closes.
    std::ofstream(rules_) << open_rule("Keep opened", dir_ + "/keep") +
                                 "- rule: Close of a watched file\n  desc: d\n  condition: "
                                 "evt.type = close and fd.name startswith " +
                                 dir_ +
                                 "/late\n  output: \"closed %fd.name %fd.num\"\n"
                                 "  priority: INFO\n";
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    EXPECT_NE(s.stderr_text().find("open path filter: opens are sent when the path starts with "
                                   "one of 2 prefixes"),
              std::string::npos)
        << s.stderr_text();
    // One process, so that its closes of filtered opens stay in the kernel too.
    in_single_threaded_child([&] {
        open_close(dir_ + "/other.txt", 300);
        open_close(dir_ + "/late.txt", 3);
    });
    ASSERT_TRUE(s.wait_alert([](const auto& a) {
        return a.value("rule", "") == "Close of a watched file";
    })) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);  // drains what is left
    EXPECT_EQ(fd_names_of(s, "Close of a watched file"),
              std::vector<std::string>(3, dir_ + "/late.txt"));
    EXPECT_GE(filtered_at_stop(s.stderr_text()), 300) << s.stderr_text();
    EXPECT_GE(quiet_closes_at_stop(s.stderr_text()), 200) << s.stderr_text();
}

TEST_F(LiveOpenFilter, OpensRelativeToAFilteredDirectoryAreNamedFromTheKernel) {
    // The directory's own open is filtered (no rule wants it), so the sensor never saw its
    // fd; the process closes it and exits at once, so /proc cannot name it either. The record
    // of an open whose file gets no kernel path (a failed one, a fifo) carries the directory's
    // kernel path instead.
    fs::create_directories(dir_ + "/sub");
    std::ofstream(rules_) << open_rule("Missing opened", dir_ + "/sub/missing");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    std::string sub = dir_ + "/sub";
    ASSERT_EQ(mkfifo((sub + "/missing-fifo").c_str(), 0600), 0);
    in_single_threaded_child([&] {
        int dfd = open(sub.c_str(), O_RDONLY | O_DIRECTORY);
        int fd = openat(dfd, "missing-x", O_RDONLY);  // ENOENT
        if (fd >= 0) close(fd);
        fd = openat(dfd, "missing-fifo", O_RDONLY | O_NONBLOCK);  // no writer needed
        if (fd >= 0) close(fd);
        close(dfd);
    });
    ASSERT_TRUE(s.wait_alert([&](const auto& a) {
        return a["output_fields"].value("fd.name", "") == sub + "/missing-fifo";
    })) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);
    auto names = fd_names_of(s, "Missing opened");
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()),
              (std::set<std::string>{sub + "/missing-x", sub + "/missing-fifo"}));
}

TEST_F(LiveOpenFilter, AnotherThreadsRecordBetweenAFilteredOpenAndItsCloseGetsTheCloseSent) {
    if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs two CPUs";
    std::ofstream(rules_) << dup_rule(dir_ + "/keep");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    std::string keep = dir_ + "/keep.txt", other = dir_ + "/other.txt", late = dir_ + "/late.txt";
    // Thread 1 (CPU 0) opens a file no rule wants and, without a syscall or a context switch,
    // waits while thread 2 (CPU 1) dup2()s a watched file onto that fd; thread 1's close then
    // closes the watched file, which the sensor knows from the dup2's record, so it must be
    // sent. Kept in the kernel, the sensor would name the next file under that number (late.txt)
    // after keep.txt, and that file's dup would alert as a dup of keep.txt.
    pid_t child = fork();
    if (child == 0) {
        int watched = open(keep.c_str(), O_RDONLY);
        std::atomic<int> step{0}, fd{-1};
        auto pin = [](int cpu) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        };
        std::thread t2([&] {
            pin(1);
            while (step.load() != 1) {
            }
            dup2(watched, fd.load());
            step.store(2);
        });
        pin(0);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both settled on their CPUs
        fd.store(open(other.c_str(), O_RDONLY));
        step.store(1);
        while (step.load() != 2) {
        }
        close(fd.load());
        int again = open(late.c_str(), O_RDONLY);
        if (again == fd.load()) close(dup(again));
        close(again);
        t2.join();
        close(watched);
        _exit(0);
    }
    ASSERT_GT(child, 0);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_TRUE(s.wait_alert([](const auto& a) {
        return a.value("rule", "") == "Dup of a watched file";
    })) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);
    EXPECT_EQ(fd_names_of(s, "Dup of a watched file").size(), 1u);
}

TEST_F(LiveOpenFilter, AModuleLoadNamesItsFileFromTheKernel) {
    // finit_module's record describes the file behind its fd: the rule sees its name though
    // the file's open was filtered and the process is gone by the time the record is read.
    std::ofstream(rules_) << "- rule: Module from a file\n  desc: d\n  condition: evt.type = "
                             "finit_module and fd.name startswith " +
                                 dir_ +
                                 "\n  output: \"module %fd.name %evt.arg.uargs\"\n"
                                 "  priority: INFO\n";
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules_}, err)) << err;
    std::string not_a_module = dir_ + "/other.txt";
    in_single_threaded_child([&] {
        int fd = open(not_a_module.c_str(), O_RDONLY);
        char opts[] = "opt=1";                   // on the stack: resident, so the probe can read it
        syscall(SYS_finit_module, fd, opts, 0);  // fails: not a module (or no module support)
        close(fd);
    });
    auto alert =
        s.wait_alert([](const auto& a) { return a.value("rule", "") == "Module from a file"; });
    ASSERT_TRUE(alert.has_value()) << s.stderr_text();
    EXPECT_EQ((*alert)["output_fields"].value("fd.name", ""), not_a_module);
    EXPECT_EQ((*alert)["output_fields"].value("evt.arg.uargs", ""), "opt=1");
    EXPECT_EQ(s.stop(), 0);
}
