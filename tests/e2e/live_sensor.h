#pragma once
// Runs the real `sensor run` binary as a child process for end-to-end tests: waits for its
// "ready" line, collects the JSON alerts it writes to stdout, and stops it with SIGINT.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sensor::testing {

class LiveSensor {
  public:
    using Json = nlohmann::json;

    ~LiveSensor() { stop(); }

    // Starts `sensor run ARGS...`; false (with stderr so far in error) if it exits or does
    // not log "ready" within the timeout.
    // read_stdout=false leaves the sensor's stdout pipe unread (a stalled consumer).
    bool start(const std::vector<std::string>& args, std::string& error,
               std::chrono::seconds timeout = std::chrono::seconds(20), bool read_stdout = true) {
        read_stdout_ = read_stdout;
        int out[2], err[2];
        if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return false;
        pid_ = fork();
        if (pid_ == 0) {
            // A test binary that dies (an assertion abort) must not leave a sensor running.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            dup2(out[1], 1);
            dup2(err[1], 2);
            std::vector<char*> argv;
            std::string bin = SENSOR_BINARY, run = "run";
            argv.push_back(bin.data());
            argv.push_back(run.data());
            std::vector<std::string> copy = args;
            for (auto& a : copy) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(bin.c_str(), argv.data());
            _exit(127);
        }
        close(out[1]);
        close(err[1]);
        out_fd_ = out[0];
        err_fd_ = err[0];
        reader_ = std::thread([this] { read_loop(); });
        std::unique_lock lk(mu_);
        bool ok = cv_.wait_for(lk, timeout, [&] { return ready_ || eof_; });
        if (!ok || !ready_) {
            error = "sensor did not become ready: " + stderr_;
            return false;
        }
        return true;
    }

    // The first alert (since start) satisfying pred, waiting up to timeout.
    std::optional<Json> wait_alert(const std::function<bool(const Json&)>& pred,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lk(mu_);
        std::optional<Json> found;
        cv_.wait_for(lk, timeout, [&] {
            for (const auto& a : alerts_)
                if (pred(a)) {
                    found = a;
                    return true;
                }
            return eof_;
        });
        return found;
    }

    std::vector<Json> alerts() {
        std::lock_guard lk(mu_);
        return alerts_;
    }

    // SIGINT, then the exit status (-1 if it had to be killed).
    int stop() {
        if (pid_ <= 0) return -1;
        kill(pid_, SIGINT);
        int status = 0, rc = -1;
        for (int i = 0; i < 100; ++i) {
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (rc == -1 && waitpid(pid_, &status, WNOHANG) == 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
        }
        pid_ = -1;
        if (reader_.joinable()) reader_.join();
        close(out_fd_);
        close(err_fd_);
        // A sanitizer report ends the sensor with a non-zero status and is only in its stderr:
        // show it with the test's output, whichever assertion the caller makes on the status.
        if (rc != 0)
            std::fprintf(stderr, "sensor exited with status %d; its stderr:\n%s\n", rc,
                         stderr_text().c_str());
        return rc;
    }

    pid_t pid() const { return pid_; }

    std::string stderr_text() {
        std::lock_guard lk(mu_);
        return stderr_;
    }

  private:
    void read_loop() {
        std::string out_buf;
        bool out_open = true, err_open = true;
        char buf[65536];
        while ((out_open && read_stdout_) || err_open) {
            pollfd fds[2] = {{out_open && read_stdout_ ? out_fd_ : -1, POLLIN, 0},
                             {err_open ? err_fd_ : -1, POLLIN, 0}};
            if (::poll(fds, 2, 200) < 0) break;
            for (int i = 0; i < 2; ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
                ssize_t n = read(fds[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    (i == 0 ? out_open : err_open) = false;
                    continue;
                }
                std::lock_guard lk(mu_);
                if (i == 1) {
                    stderr_.append(buf, static_cast<size_t>(n));
                    if (stderr_.find("ready") != std::string::npos) ready_ = true;
                } else {
                    out_buf.append(buf, static_cast<size_t>(n));
                    size_t nl;
                    while ((nl = out_buf.find('\n')) != std::string::npos) {
                        alerts_.push_back(Json::parse(out_buf.substr(0, nl), nullptr, false));
                        out_buf.erase(0, nl + 1);
                    }
                }
                cv_.notify_all();
            }
        }
        std::lock_guard lk(mu_);
        eof_ = true;
        cv_.notify_all();
    }

    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
    std::thread reader_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool ready_ = false, eof_ = false;
    bool read_stdout_ = true;
    std::string stderr_;
    std::vector<Json> alerts_;
};

// Runs argv (argv[0] is the program path) to completion; returns its exit status.
inline int run_program(const std::vector<std::string>& argv) {
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        std::vector<std::string> copy = argv;
        std::vector<char*> a;
        for (auto& s : copy) a.push_back(s.data());
        a.push_back(nullptr);
        execv(a[0], a.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace sensor::testing
