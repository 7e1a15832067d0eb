#pragma once
// A gtest fixture that runs one live sensor for a whole test suite (Config::args() says how),
// with helpers to cause alerts and assert on them. Needs root (SENSOR_REQUIRE_ROOT); as root, a
// sensor that does not start fails every test of the suite.
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "e2e/live_sensor.h"
#include "e2e/require_root.h"

namespace sensor::testing {

using Json = nlohmann::json;

// An output field of an alert as text: "<null>" when the alert has it as null, "<absent>"
// when it does not have it. (Const operator[] on a missing key is undefined in nlohmann.)
inline std::string field(const Json& alert, const std::string& name) {
    if (!alert.is_object()) return "<absent>";
    auto fields = alert.find("output_fields");
    if (fields == alert.end() || !fields->is_object()) return "<absent>";
    auto f = fields->find(name);
    if (f == fields->end()) return "<absent>";
    if (f->is_string()) return f->get<std::string>();
    if (f->is_null()) return "<null>";
    return f->dump();
}

// This test process's name as alerts show it: proc.name is the kernel's comm, at most 15
// characters (the binary sensor_e2e_tests is "sensor_e2e_test").
inline std::string own_name() {
    std::ifstream in("/proc/self/comm");
    std::string comm;
    std::getline(in, comm);
    return comm;
}

// The alert's rule name, "" for anything that is not an alert.
inline std::string rule_of(const Json& alert) {
    return alert.is_object() ? alert.value("rule", "") : "";
}

// Runs a copy of /bin/true from an anonymous memory file (memfd_create + fexecve) in a child,
// as fileless malware does; returns the child's exit status (0 when it ran).
inline int run_from_memfd(const char* memfd_name) {
    pid_t child = fork();
    if (child == 0) {
        int src = open("/bin/true", O_RDONLY);
        int mfd = static_cast<int>(syscall(SYS_memfd_create, memfd_name, 0));
        if (src < 0 || mfd < 0) _exit(10);
        char buf[65536];
        ssize_t n;
        while ((n = read(src, buf, sizeof buf)) > 0)
            if (write(mfd, buf, static_cast<size_t>(n)) != n) _exit(11);
        char arg0[] = "fileless";
        char* argv[] = {arg0, nullptr};
        char* envp[] = {nullptr};
        fexecve(mfd, argv, envp);
        _exit(12);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Config: static std::vector<std::string> args(); static const char* symlink_rule() (the rule
// a symlink to /etc/shadow fires, used to prove the sensor has caught up); and
// static const char* linkpath_field().
template <typename Config>
class LiveSuite : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        if (!running_as_root()) return;
        dir_ = "/tmp/sensor-e2e-" + std::to_string(getpid()) + "-" + Config::name();
        std::filesystem::create_directories(dir_);
        sensor_ = new LiveSensor();
        std::string err;
        started_ = sensor_->start(Config::args(), err);
        if (!started_) start_error_ = err;
    }
    static void TearDownTestSuite() {
        if (sensor_) {
            sensor_->stop();
            delete sensor_;
            sensor_ = nullptr;
        }
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    void SetUp() override {
        SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
        ASSERT_TRUE(started_) << start_error_;
    }

    // A copy of a system binary under a name of our choosing (rules look at proc.name).
    static std::string copy_binary(const std::string& from, const std::string& name) {
        namespace fs = std::filesystem;
        std::string to = dir_ + "/" + name;
        fs::copy_file(from, to, fs::copy_options::overwrite_existing);
        fs::permissions(to, fs::perms::owner_all);
        return to;
    }

    static Json expect_alert(const std::string& rule,
                             const std::function<bool(const Json&)>& pred) {
        auto a = sensor_->wait_alert([&](const Json& j) { return rule_of(j) == rule && pred(j); });
        EXPECT_TRUE(a.has_value()) << "no '" << rule << "' alert; stderr:\n"
                                   << sensor_->stderr_text();
        return a.value_or(Json::object());
    }

    // Proves the sensor has caught up (an alert we cause now arrives), then asserts that no
    // alert so far satisfies pred.
    static void expect_no_alert(const std::function<bool(const Json&)>& pred,
                                const std::string& what) {
        static std::atomic<int> n{0};
        std::string link = dir_ + "/sync-" + std::to_string(n++);
        ASSERT_EQ(symlink("/etc/shadow", link.c_str()), 0);
        expect_alert(Config::symlink_rule(),
                     [&](const Json& j) { return field(j, Config::linkpath_field()) == link; });
        for (const auto& a : sensor_->alerts())
            EXPECT_FALSE(pred(a)) << what << " raised: " << a.dump();
    }

    static std::vector<Json> alerts() { return sensor_->alerts(); }

    static inline LiveSensor* sensor_ = nullptr;
    static inline bool started_ = false;
    static inline std::string start_error_;
    static inline std::string dir_;
};

}  // namespace sensor::testing
