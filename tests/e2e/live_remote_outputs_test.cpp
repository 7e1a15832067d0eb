// End to end, as root: the live sensor's network outputs. HTTP: a real alert arrives as
// Falco's JSON at an HTTP server on 127.0.0.1. TCP syslog: the receiver (a separate process)
// is SIGKILLed mid-stream and restarted; alerts raised meanwhile wait in the sink's queue (the
// ones beyond its capacity are dropped and counted), and every alert is accounted for.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/output_counts.h"
#include "e2e/require_root.h"
#include "support/http_receiver.h"

namespace fs = std::filesystem;
using sensor::testing::count_lines;
using sensor::testing::free_local_port;
using sensor::testing::LiveSensor;
using sensor::testing::output_counts;
using sensor::testing::write_shadow_symlink_rule;
using sensor::testing_support::HttpReceiver;

namespace {

void make_links(const std::string& dir, int from, int to) {
    for (int i = from; i < to; ++i)
        ASSERT_EQ(symlink("/etc/shadow", (dir + "/l" + std::to_string(i)).c_str()), 0);
}

template <typename Pred>
bool eventually(Pred p, int seconds = 15) {
    for (int i = 0; i < seconds * 20; ++i) {
        if (p()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return p();
}

// tcp_line_receiver.py as a child process, so it can really be killed.
class LineReceiver {
  public:
    bool start(uint16_t port, const std::string& out) {
        std::string cmd = "exec python3 " SENSOR_SOURCE_DIR "/tests/support/tcp_line_receiver.py " +
                          std::to_string(port) + " " + out;
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) return false;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(p[1], 1);
            close(p[0]);
            execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(p[1]);
        // The read end stays open while the receiver lives: it must never see EPIPE.
        ready_fd_ = p[0];
        std::string got;
        char buf[16];
        while (got.find('\n') == std::string::npos) {
            ssize_t n = read(ready_fd_, buf, sizeof buf);
            if (n <= 0) return false;
            got.append(buf, static_cast<size_t>(n));
        }
        return got.rfind("ready", 0) == 0;
    }
    void kill_now() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        if (ready_fd_ >= 0) close(ready_fd_);
        ready_fd_ = -1;
    }
    ~LineReceiver() { kill_now(); }

  private:
    pid_t pid_ = -1;
    int ready_fd_ = -1;
};

}  // namespace

TEST(LiveRemoteOutputs, HttpReceivesTheAlertAsFalcoJson) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("http");
    HttpReceiver server;
    ASSERT_TRUE(server.start());
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(
        s.start({"-r",
                 write_shadow_symlink_rule(dir, "Symlink to shadow",
                                           "filesystem, mitre_credential_access, T1555"),
                 "-o", "http_output.enabled=true", "-o", "http_output.url=" + server.url("/falco")},
                err))
        << err;
    std::string link = dir + "/to-shadow";
    ASSERT_EQ(symlink("/etc/shadow", link.c_str()), 0);
    ASSERT_TRUE(eventually([&] { return server.request_count() >= 1; })) << s.stderr_text();
    auto req = server.requests()[0];
    EXPECT_EQ(req.target, "/falco");
    EXPECT_EQ(req.headers["content-type"], "application/json");
    auto a = nlohmann::json::parse(req.body, nullptr, false);
    ASSERT_TRUE(a.is_object()) << req.body;
    EXPECT_EQ(a.value("rule", ""), "Symlink to shadow");
    EXPECT_EQ(a.value("priority", ""), "Warning");
    EXPECT_EQ(a.value("source", ""), "syscall");
    EXPECT_EQ(a["output_fields"].value("evt.arg.linkpath", ""), link);
    EXPECT_TRUE(a["output_fields"]["evt.time"].is_number_integer());
    EXPECT_EQ(s.stop(), 0);
    auto c = output_counts(s.stderr_text(), "http");
    EXPECT_EQ(c[0], 1u) << s.stderr_text();
    EXPECT_EQ(c[1] + c[2] + c[3], 0u) << s.stderr_text();
    fs::remove_all(dir);
}

TEST(LiveRemoteOutputs, TcpReceiverKilledAndRestartedEveryAlertAccountedFor) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("tcpkill");
    std::string received = dir + "/received.log";
    uint16_t port = free_local_port(SOCK_STREAM);
    LineReceiver rx;
    ASSERT_TRUE(rx.start(port, received));
    LiveSensor s;
    std::string err;
    // A queue of 50 for the syslog sink: 100 alerts during the outage overflow it.
    ASSERT_TRUE(
        s.start({"-r",
                 write_shadow_symlink_rule(dir, "Symlink to shadow",
                                           "filesystem, mitre_credential_access, T1555"),
                 "-o", "syslog_output.enabled=true", "-o", "syslog_output.host=127.0.0.1", "-o",
                 "syslog_output.port=" + std::to_string(port), "-o", "syslog_output.protocol=tcp",
                 "-o", "syslog_output.format=json", "-o", "outputs_queue.capacity=50"},
                err))
        << err;
    // 1. Receiver up: 100 alerts, in batches the queue can hold.
    for (int b = 0; b < 4; ++b) {
        make_links(dir, b * 25, b * 25 + 25);
        ASSERT_TRUE(eventually([&] { return count_lines(received) >= size_t(b * 25 + 25); }))
            << count_lines(received) << " received; " << s.stderr_text();
    }
    // 2. Receiver killed; 100 alerts while it is down: 50 wait in the queue, 50 are dropped.
    rx.kill_now();
    make_links(dir, 100, 200);
    ASSERT_TRUE(eventually([&] {
        return s.stderr_text().find("output syslog: unavailable") != std::string::npos;
    })) << s.stderr_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // 3. Restarted on the same port: the queued 50 arrive, then 100 more.
    ASSERT_TRUE(rx.start(port, received));
    ASSERT_TRUE(eventually([&] { return count_lines(received) >= 150; }))
        << count_lines(received) << " received; " << s.stderr_text();
    for (int b = 0; b < 4; ++b) {
        make_links(dir, 200 + b * 25, 225 + b * 25);
        ASSERT_TRUE(eventually([&] { return count_lines(received) >= size_t(175 + b * 25); }))
            << count_lines(received) << " received; " << s.stderr_text();
    }
    EXPECT_EQ(s.stop(), 0);
    std::string log = s.stderr_text();
    auto c = output_counts(log, "syslog");
    ASSERT_NE(c[0], ~0ull) << log;
    EXPECT_EQ(c[0] + c[1] + c[2] + c[3], 300u) << log;  // every alert produced is accounted for
    EXPECT_EQ(c[0], 250u) << log;
    EXPECT_EQ(c[2], 50u) << log;
    EXPECT_EQ(count_lines(received), c[0]) << "delivered but never received: " << log;
    EXPECT_NE(log.find("output syslog: delivering again"), std::string::npos) << log;
    fs::remove_all(dir);
}
