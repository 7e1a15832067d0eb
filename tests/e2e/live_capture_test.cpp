// Capture files from the live sensor: a rule with `capture: true` makes a file under
// capture.path_prefix, and `sensor run --capture FILE -M` records everything; replaying either
// file with `sensor replay --capture` gives the alerts the live run gave.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

namespace {

namespace fs = std::filesystem;
using sensor::testing::LiveSensor;
using Json = nlohmann::json;

// A rule on this test's symlinks to /etc/shadow whose output has the process, its parent,
// user and file fields: what the replayed state must give back.
std::string capture_rule(const std::string& name, const std::string& dir, bool capture) {
    return "- rule: " + name +
           "\n  desc: this test's symlinks to /etc/shadow\n"
           "  condition: evt.type in (symlink, symlinkat) and evt.arg.target = /etc/shadow and "
           "evt.arg.linkpath startswith " +
           dir + "/\n  output: " + name +
           " %evt.arg.linkpath proc=%proc.name cmd=%proc.cmdline exe=%proc.exepath "
           "pid=%proc.pid parent=%proc.pname pcmd=%proc.pcmdline user=%user.name uid=%user.uid "
           "cwd=%proc.cwd tty=%proc.tty time=%evt.time container=%container.id\n"
           "  priority: WARNING\n" +
           (capture ? "  capture: true\n  capture_duration: 300\n" : "");
}

// `sensor replay --capture FILE -r RULES`: {exit code, stdout lines as JSON, stderr}.
struct ReplayResult {
    int code = -1;
    std::vector<Json> alerts;
    std::string err;
};
ReplayResult replay_capture(const std::string& file, const std::string& rules) {
    int out[2], err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        std::vector<std::string> args = {SENSOR_BINARY, "replay", "--capture", file, "-r", rules};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    ReplayResult r;
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    while ((n = read(err[0], buf, sizeof buf)) > 0) r.err.append(buf, static_cast<size_t>(n));
    close(out[0]);
    close(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream ss(text);
    for (std::string line; std::getline(ss, line);)
        if (!line.empty()) r.alerts.push_back(Json::parse(line, nullptr, false));
    return r;
}

std::vector<Json> of_rule(const std::vector<Json>& alerts, const std::string& rule) {
    std::vector<Json> out;
    for (const auto& a : alerts)
        if (a.is_object() && a.value("rule", "") == rule) out.push_back(a);
    return out;
}

// An alert as replay must reproduce it: all of it but its uuid (new per alert).
Json comparable(Json a) {
    a.erase("uuid");
    return a;
}

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".cap") out.push_back(e.path().string());
    return out;
}

}  // namespace

TEST(LiveCapture, RuleWithCaptureWritesAFileThatReplaysToTheSameAlert) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    const std::string dir = sensor::testing::fresh_dir("capture-rule");
    const std::string rule = "Capture test shadow link";
    const std::string rules = dir + "/rules.yaml";
    std::ofstream(rules) << capture_rule(rule, dir, true);
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start(
        {"-r", rules, "-o", "capture.enabled=true", "-o", "capture.path_prefix=" + dir + "/cap"},
        err))
        << err;
    ASSERT_EQ(sensor::testing::run_program({"/bin/ln", "-s", "/etc/shadow", dir + "/link1"}), 0);
    auto live = s.wait_alert([&](const Json& a) { return a.value("rule", "") == rule; });
    ASSERT_TRUE(live) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);
    EXPECT_NE(s.stderr_text().find("capture files: 1 written"), std::string::npos)
        << s.stderr_text();

    // One file, named like Falco's: PREFIX_<20-digit time>_<20-digit event number>.
    auto files = files_in(dir);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_TRUE(std::regex_match(fs::path(files[0]).filename().string(),
                                 std::regex(R"(cap_\d{20}_\d{20}\.cap)")))
        << files[0];
    ReplayResult r = replay_capture(files[0], rules);
    ASSERT_EQ(r.code, 0) << r.err;
    auto replayed = of_rule(r.alerts, rule);
    ASSERT_EQ(replayed.size(), 1u) << r.err;
    // Same rule, time, output and every output field (process, parent, user, cwd, tty,
    // container: from the file's state and records, not from this host's /proc).
    EXPECT_EQ(comparable(replayed[0]), comparable(*live));
    EXPECT_NE(r.err.find("(rule: " + rule + ")"), std::string::npos) << r.err;
    fs::remove_all(dir);
}

TEST(LiveCapture, RunWithCaptureRecordsEverythingAndReplaysToTheSameAlerts) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    const std::string dir = sensor::testing::fresh_dir("capture-all");
    const std::string rule = "Capture all shadow link";
    const std::string rules = dir + "/rules.yaml";
    const std::string file = dir + "/all.cap";
    std::ofstream(rules) << capture_rule(rule, dir, false);
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", rules, "--capture", file, "-M", "3"}, err)) << err;
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(sensor::testing::run_program(
                      {"/bin/ln", "-s", "/etc/shadow", dir + "/link" + std::to_string(i)}),
                  0);
    ASSERT_TRUE(s.wait_alert([&](const Json& a) {
        return a.value("output", "").find(dir + "/link2") != std::string::npos;
    })) << s.stderr_text();
    EXPECT_EQ(s.stop(), 0);
    auto live = of_rule(s.alerts(), rule);
    ASSERT_EQ(live.size(), 3u);

    ReplayResult r = replay_capture(file, rules);
    ASSERT_EQ(r.code, 0) << r.err;
    auto replayed = of_rule(r.alerts, rule);
    ASSERT_EQ(replayed.size(), live.size()) << r.err;
    for (size_t i = 0; i < live.size(); ++i)
        EXPECT_EQ(comparable(replayed[i]), comparable(live[i]));
    EXPECT_NE(r.err.find("(command line)"), std::string::npos) << r.err;
    fs::remove_all(dir);
}

TEST(LiveCapture, UnwritableCaptureFileIsAStartupError) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    LiveSensor s;
    std::string err;
    EXPECT_FALSE(s.start({"--capture", "/nonexistent-dir/x.cap", "--dry-run"}, err));
    EXPECT_NE(err.find("--capture /nonexistent-dir/x.cap"), std::string::npos) << err;
}
