#include "sensor/output/fd_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sensor::output {
namespace {
// A pipe reader that stops reading must not hold the output thread forever: each wait for
// room is bounded; an alert not started in time waits in the queue for a retry.
constexpr int kWriteTimeoutMs = 1000;
}  // namespace

FdSink::FdSink(const char* name, int fd, bool buffered)
    : name_(name), fd_(fd), buffered_(buffered) {
    note_fd_kind();
}

void FdSink::note_fd_kind() {
    struct stat st {};
    regular_file_ = fd_ >= 0 && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
}

FdSink::FdSink(const char* name, bool buffered) : name_(name), buffered_(buffered) {}

FdSink::~FdSink() {
    if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

bool FdSink::write_all(const char* data, size_t size, bool& written_any) {
    written_any = false;
    // A reader that went away (a pipe to a program) is EPIPE, never a SIGPIPE that kills
    // the sensor, whatever the process's disposition: blocked here, consumed if raised.
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    bool ok = write_all_blocked(data, size, written_any);
    if (!ok && errno == EPIPE) {
        timespec zero{};
        sigtimedwait(&pipe_only, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
}

bool FdSink::write_all_blocked(const char* data, size_t size, bool& written_any) {
    while (size > 0 && regular_file_) {
        ssize_t n = ::write(fd_, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            last_error = std::strerror(errno);
            return false;
        }
        written_any = true;
        data += n;
        size -= static_cast<size_t>(n);
    }
    while (size > 0) {
        pollfd p{fd_, POLLOUT, 0};
        int r = ::poll(&p, 1, kWriteTimeoutMs);
        if (r == 0) {
            last_error = "timed out waiting for the reader";
            return false;
        }
        if (r < 0) {
            if (errno == EINTR) continue;
            last_error = std::strerror(errno);
            return false;
        }
        // At most PIPE_BUF per write: poll() promises that much room in a pipe, so the write
        // does not block on a reader that went away between poll and write.
        ssize_t n = ::write(fd_, data, std::min<size_t>(size, PIPE_BUF));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            last_error = std::strerror(errno);
            return false;
        }
        written_any = true;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

WriteOutcome FdSink::write(const Alert& alert) {
    buf_ += alert.line;
    buf_ += '\n';
    // Buffered: the worker flushes at the end of each batch (at most a few hundred alerts).
    if (buffered_) return WriteOutcome::written;
    // Unbuffered: a reader that has not taken a single byte yet leaves the alert whole, so
    // it can wait in the queue until the reader is back.
    bool written_any = false;
    bool ok = fd_ >= 0 && write_all(buf_.data(), buf_.size(), written_any);
    if (fd_ < 0) last_error = "not open";
    buf_.clear();
    if (ok) return WriteOutcome::written;
    return written_any ? WriteOutcome::failed : WriteOutcome::unavailable;
}

bool FdSink::flush() {
    if (buf_.empty()) return true;
    bool written_any = false;
    bool ok = fd_ >= 0 && write_all(buf_.data(), buf_.size(), written_any);
    if (fd_ < 0) last_error = "not open";
    buf_.clear();
    return ok;
}

FileSink::FileSink(std::string path, bool keep_alive, bool buffered)
    : FdSink("file", buffered), path_(std::move(path)), keep_alive_(keep_alive) {
    owns_fd_ = true;
}

bool FileSink::open() {
    if (fd_ >= 0) return true;
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) {
        last_error = "cannot open " + path_ + ": " + std::strerror(errno);
        return false;
    }
    note_fd_kind();
    return true;
}

WriteOutcome FileSink::write(const Alert& alert) {
    if (!open()) return WriteOutcome::unavailable;
    return FdSink::write(alert);
}

bool FileSink::flush() {
    bool ok = FdSink::flush();
    if (!keep_alive_ && fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    return ok;
}

bool FileSink::reopen() {
    bool ok = FdSink::flush();  // what was meant for the old file goes there
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return open() && ok;
}

}  // namespace sensor::output
