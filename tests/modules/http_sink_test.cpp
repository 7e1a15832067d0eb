// The HTTP(S) output against real servers on 127.0.0.1: a small HTTP/1.1 server in the test
// and, for TLS, Python's https server with a certificate made by openssl.
#include "sensor/output/http_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sensor/output/output_worker.h"
#include "support/http_receiver.h"

using namespace sensor::output;
using sensor::engine::Priority;
using sensor::testing_support::HttpReceiver;

namespace {

Alert alert(const std::string& line) {
    return Alert{line, Priority::Warning, 0};
}

template <typename Pred>
bool eventually(Pred p, int ms = 5000) {
    for (int i = 0; i < ms / 5; ++i) {
        if (p()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return p();
}

// The sink as the daemon gets it: from the sensor-http.so module (build/lib/sensor).
std::unique_ptr<Sink> http_sink(const HttpOptions& o) {
    std::string error;
    auto s = make_http_sink(o, error);
    if (!s) throw std::runtime_error(error);
    return s;
}

HttpOptions options_for(const std::string& url) {
    HttpOptions o;
    o.url = url;
    o.timeout_ms = 2000;
    return o;
}

// A port nothing listens on (taken and released).
uint16_t free_port() {
    HttpReceiver r;
    r.start();
    uint16_t p = r.port();
    r.stop();
    return p;
}

}  // namespace

TEST(HttpSink, PostsEachAlertAsJsonOverOneKeptAliveConnection) {
    HttpReceiver server;
    ASSERT_TRUE(server.start());
    auto sink = http_sink(options_for(server.url("/alerts")));
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(sink->write(alert("{\"n\":" + std::to_string(i) + "}")), WriteOutcome::written)
            << sink->last_error;
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 20u);
    for (size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_EQ(reqs[i].method, "POST");
        EXPECT_EQ(reqs[i].target, "/alerts");
        EXPECT_EQ(reqs[i].headers["content-type"], "application/json");
        EXPECT_EQ(reqs[i].headers["user-agent"], "sensor");
        EXPECT_EQ(reqs[i].body, "{\"n\":" + std::to_string(i) + "}");
    }
    EXPECT_EQ(server.connections(), 1u);
}

TEST(HttpSink, WithoutKeepAliveEachAlertHasItsOwnConnectionAndTextIsPlain) {
    HttpReceiver server;
    ASSERT_TRUE(server.start());
    HttpOptions o = options_for(server.url());
    o.keep_alive = false;
    o.json = false;
    auto sink = http_sink(o);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(sink->write(alert("text")), WriteOutcome::written);
    EXPECT_EQ(server.connections(), 3u);
    EXPECT_EQ(server.requests()[0].headers["content-type"], "text/plain");
}

TEST(HttpSink, ServerErrorsAreRetriedAndClientErrorsRejectTheAlert) {
    HttpReceiver server;
    server.status_for = [](size_t i) { return i == 0 ? 503 : i == 1 ? 429 : 400; };
    ASSERT_TRUE(server.start());
    auto sink = http_sink(options_for(server.url()));
    EXPECT_EQ(sink->write(alert("a")), WriteOutcome::unavailable);
    EXPECT_NE(sink->last_error.find("HTTP 503"), std::string::npos) << sink->last_error;
    EXPECT_EQ(sink->write(alert("a")), WriteOutcome::unavailable);
    EXPECT_EQ(sink->write(alert("a")), WriteOutcome::failed);
    EXPECT_NE(sink->last_error.find("HTTP 400"), std::string::npos) << sink->last_error;
}

TEST(HttpSink, AlertsWaitWhileTheEndpointIsDownAndArriveInOrderWhenItIsBack) {
    uint16_t port = free_port();
    OutputWorker w(http_sink(options_for("http://127.0.0.1:" + std::to_string(port) + "/")), 64);
    w.start();
    for (int i = 0; i < 10; ++i) w.push(std::to_string(i), Priority::Warning, 0);
    ASSERT_TRUE(eventually([&] { return w.counts().outages == 1; }));
    HttpReceiver server;
    server.status_for = [](size_t i) { return i < 2 ? 503 : 200; };  // and then flaky
    ASSERT_TRUE(server.start(port));
    ASSERT_TRUE(eventually([&] { return w.counts().delivered == 10; }, 15000));
    w.stop(std::chrono::seconds(1));
    EXPECT_EQ(w.counts().failed, 0u);
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 10u);
    for (size_t i = 0; i < reqs.size(); ++i) EXPECT_EQ(reqs[i].body, std::to_string(i));
}

TEST(HttpSink, OptionsAreCheckedAtStartUp) {
    EXPECT_NE(http_options_problem(options_for("")).find("url is empty"), std::string::npos);
    EXPECT_NE(http_options_problem(options_for("ftp://x/")).find("ftp://x/"), std::string::npos);
    HttpOptions o = options_for("https://127.0.0.1/");
    o.ca_cert = "/nonexistent/ca.pem";
    EXPECT_NE(http_options_problem(o).find("/nonexistent/ca.pem"), std::string::npos);
    o = options_for("https://127.0.0.1/");
    o.mtls = true;
    EXPECT_NE(http_options_problem(o).find("client_cert"), std::string::npos);
    EXPECT_EQ(http_options_problem(options_for("https://127.0.0.1/")), "");
}

// TLS against Python's https server with a self-signed certificate for 127.0.0.1.
class HttpsSink : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("sensor-https-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir_);
        cert_ = (dir_ / "cert.pem").string();
        std::string key = (dir_ / "key.pem").string();
        std::string make =
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
            " -addext subjectAltName=IP:127.0.0.1 -keyout " +
            key + " -out " + cert_ + " 2>/dev/null";
        ASSERT_EQ(std::system(make.c_str()), 0) << "openssl is needed (tools/install-deps.sh)";
        // The receiver is this test's child, stopped by its pid in TearDown().
        int out[2];
        ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
        pid_ = fork();
        ASSERT_GE(pid_, 0);
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);  // not left behind by a test binary that dies
            dup2(out[1], 1);
            execlp("python3", "python3", SENSOR_SOURCE_DIR "/tests/support/https_receiver.py",
                   cert_.c_str(), key.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        close(out[1]);
        server_ = fdopen(out[0], "r");
        ASSERT_NE(server_, nullptr);
        char line[64] = {};
        ASSERT_NE(fgets(line, sizeof line, server_), nullptr) << "python3 is needed";
        url_ = "https://127.0.0.1:" + std::string(line, strcspn(line, "\n")) + "/";
    }
    void TearDown() override {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
        if (server_) fclose(server_);
        std::filesystem::remove_all(dir_);
    }
    std::string next_body() {
        char buf[256] = {};
        if (!fgets(buf, sizeof buf, server_)) return "";
        return std::string(buf, strcspn(buf, "\n"));
    }

    std::filesystem::path dir_;
    std::string cert_, url_;
    FILE* server_ = nullptr;
    pid_t pid_ = -1;
};

TEST_F(HttpsSink, VerifiesTheServerAgainstTheConfiguredCa) {
    HttpOptions o = options_for(url_);
    o.ca_cert = cert_;
    auto sink = http_sink(o);
    ASSERT_EQ(sink->write(alert("{\"tls\":1}")), WriteOutcome::written) << sink->last_error;
    EXPECT_EQ(next_body(), "{\"tls\":1}");
}

TEST_F(HttpsSink, AnUntrustedCertificateIsRefusedUnlessInsecure) {
    auto strict = http_sink(options_for(url_));
    EXPECT_EQ(strict->write(alert("{}")), WriteOutcome::unavailable);
    EXPECT_NE(strict->last_error.find("certificate"), std::string::npos) << strict->last_error;
    HttpOptions o = options_for(url_);
    o.insecure = true;
    auto lax = http_sink(o);
    ASSERT_EQ(lax->write(alert("{\"insecure\":1}")), WriteOutcome::written) << lax->last_error;
    EXPECT_EQ(next_body(), "{\"insecure\":1}");
}
