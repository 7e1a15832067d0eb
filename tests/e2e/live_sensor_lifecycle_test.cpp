// `sensor run` as a process: readiness, clean stop with counts, and refusals with clear errors.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

using sensor::testing::LiveSensor;

namespace {

// Runs the sensor binary with args (as uid when >= 0) and returns {exit code, stderr}.
std::pair<int, std::string> run_sensor(std::vector<std::string> args, int uid = -1) {
    int err[2];
    EXPECT_EQ(pipe(err), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(err[1], 2);
        close(err[0]);
        if (uid >= 0 &&
            (setgid(static_cast<gid_t>(uid)) != 0 || setuid(static_cast<uid_t>(uid)) != 0))
            _exit(99);
        std::string bin = SENSOR_BINARY;
        std::vector<char*> argv{bin.data()};
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(bin.c_str(), argv.data());
        _exit(127);
    }
    close(err[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(err[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

}  // namespace

TEST(LiveSensorLifecycle, ReadyThenCleanStopWithCounts) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start({"-r", std::string(SENSOR_SOURCE_DIR) + "/rules"}, err)) << err;
    // Some activity for the counters.
    for (int i = 0; i < 20; ++i) sensor::testing::run_program({"/bin/true"});
    EXPECT_EQ(s.stop(), 0);
    std::string text = s.stderr_text();
    EXPECT_NE(text.find("ready: probe attached"), std::string::npos) << text;
    EXPECT_NE(text.find("stopped:"), std::string::npos) << text;
    EXPECT_NE(text.find("dropped in the kernel: 0"), std::string::npos) << text;
}

TEST(LiveSensorLifecycle, UnprivilegedRunNamesTheMissingCapabilities) {
    SENSOR_REQUIRE_ROOT("dropping to user nobody");
    auto [code, text] = run_sensor({"run", "-r", std::string(SENSOR_SOURCE_DIR) + "/rules"}, 65534);
    EXPECT_EQ(code, 1) << text;
    EXPECT_NE(text.find("CAP_BPF"), std::string::npos) << text;
    EXPECT_NE(text.find("CAP_PERFMON"), std::string::npos) << text;
}

TEST(LiveSensorLifecycle, BadConfigKeyIsAStartupError) {
    auto [code, text] = run_sensor({"run", "-o", "capture.ring_buffer_bytes=1000"});
    EXPECT_EQ(code, 2);
    EXPECT_NE(text.find("capture.ring_buffer_bytes"), std::string::npos) << text;
    auto [code2, text2] = run_sensor({"run", "-o", "no_such.key=1"});
    EXPECT_EQ(code2, 2);
    EXPECT_NE(text2.find("unknown config key 'no_such.key'"), std::string::npos) << text2;
}
