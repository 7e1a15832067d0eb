#include "sensor/output/program_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace sensor::output {
namespace {
// A program that does not finish after its input is closed is killed: the output thread
// must come back to its queue (and to stop()).
constexpr auto kExitWait = std::chrono::seconds(2);
}  // namespace

ProgramSink::ProgramSink(std::string command, bool keep_alive, bool buffered)
    : FdSink("program", buffered), command_(std::move(command)), keep_alive_(keep_alive) {
    owns_fd_ = true;
}

ProgramSink::~ProgramSink() {
    finish();
}

bool ProgramSink::start() {
    if (fd_ >= 0) return true;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        last_error = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);  // dup2 clears close-on-exec
    // The sensor ignores SIGPIPE; the program should get the default behaviour back.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    const char* argv[] = {"/bin/sh", "-c", command_.c_str(), nullptr};
    int err = posix_spawn(&child_, "/bin/sh", &fa, &attr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(p[0]);
    if (err != 0) {
        close(p[1]);
        child_ = -1;
        last_error = "cannot start program_output: " + std::string(std::strerror(err));
        return false;
    }
    fd_ = p[1];
    return true;
}

void ProgramSink::finish() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (child_ < 0) return;
    auto deadline = std::chrono::steady_clock::now() + kExitWait;
    int status = 0;
    while (waitpid(child_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(child_, SIGKILL);
            waitpid(child_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    child_ = -1;
}

WriteOutcome ProgramSink::write(const Alert& alert) {
    if (!start()) return WriteOutcome::unavailable;
    WriteOutcome out = FdSink::write(alert);
    if (out != WriteOutcome::written) {
        last_error = "program_output '" + command_ + "': " + last_error;
        finish();  // it exited or stopped reading: start it again on the retry
    }
    return out;
}

bool ProgramSink::flush() {
    bool ok = FdSink::flush();
    if (!ok) last_error = "program_output '" + command_ + "': " + last_error;
    if (!ok || !keep_alive_) finish();
    return ok;
}

bool ProgramSink::reopen() {
    bool ok = FdSink::flush();
    finish();
    return ok;
}

}  // namespace sensor::output
