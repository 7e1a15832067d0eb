#include "sensor/ops/stream.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cerrno>

namespace sensor::ops {

Stream::~Stream() {
    if (ssl_ != nullptr) {
        // Best effort close_notify (the socket is non-blocking); none after a failed handshake.
        if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
        ERR_clear_error();
        SSL_free(ssl_);
    }
    close(fd_);
}

void Stream::shutdown_write() {
    if (ssl_ != nullptr) {
        SSL_shutdown(ssl_);
        ERR_clear_error();
    } else {
        shutdown(fd_, SHUT_WR);
    }
}

Stream::Io Stream::wait(short events, Clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return Io::Timeout;
        pollfd p[2] = {{fd_, events, 0}, {stop_fd_, POLLIN, 0}};
        int n = poll(p, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Io::Error;
        if (p[1].revents != 0) return Io::Stopped;
        if (p[0].revents != 0) return Io::Ok;  // readable, writable, hung up: the call tells
    }
}

Stream::Io Stream::wait_ssl(int ret, Clock::time_point deadline) {
    int err = SSL_get_error(ssl_, ret);
    ERR_clear_error();
    if (err == SSL_ERROR_WANT_READ) return wait(POLLIN, deadline);
    if (err == SSL_ERROR_WANT_WRITE) return wait(POLLOUT, deadline);
    if (err == SSL_ERROR_ZERO_RETURN) return Io::Eof;
    return Io::Error;
}

Stream::Io Stream::handshake(Clock::time_point deadline) {
    if (ssl_ == nullptr) return Io::Ok;
    // A peer that closes before its first byte (a TCP probe) is no refused handshake.
    if (Io io = wait(POLLIN, deadline); io != Io::Ok) return io;
    char first;
    if (recv(fd_, &first, 1, MSG_PEEK) == 0) return Io::Eof;
    for (;;) {
        int ret = SSL_accept(ssl_);
        if (ret == 1) return Io::Ok;
        Io io = wait_ssl(ret, deadline);
        if (io != Io::Ok) return io == Io::Eof ? Io::Error : io;
    }
}

Stream::Io Stream::read_some(std::string& buf, size_t max, Clock::time_point deadline) {
    size_t old = buf.size();
    buf.resize(old + max);
    for (;;) {
        if (ssl_ != nullptr) {
            size_t got = 0;
            int ret = SSL_read_ex(ssl_, buf.data() + old, max, &got);
            if (ret == 1) {
                buf.resize(old + got);
                return Io::Ok;
            }
            Io io = wait_ssl(ret, deadline);
            if (io != Io::Ok) {
                buf.resize(old);
                return io;
            }
            continue;
        }
        ssize_t n = recv(fd_, buf.data() + old, max, 0);
        if (n > 0) {
            buf.resize(old + static_cast<size_t>(n));
            return Io::Ok;
        }
        Io io = n == 0                                ? Io::Eof
                : (errno == EAGAIN || errno == EINTR) ? wait(POLLIN, deadline)
                                                      : Io::Error;
        if (io != Io::Ok) {
            buf.resize(old);
            return io;
        }
    }
}

Stream::Io Stream::write_all(std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        size_t sent = 0;
        if (ssl_ != nullptr) {
            int ret = SSL_write_ex(ssl_, data.data(), data.size(), &sent);
            if (ret != 1) {
                Io io = wait_ssl(ret, deadline);
                if (io != Io::Ok) return io == Io::Eof ? Io::Error : io;
                continue;
            }
        } else {
            ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0) {
                Io io = (errno == EAGAIN || errno == EINTR) ? wait(POLLOUT, deadline) : Io::Error;
                if (io != Io::Ok) return io;
                continue;
            }
            sent = static_cast<size_t>(n);
        }
        data.remove_prefix(sent);
    }
    return Io::Ok;
}

}  // namespace sensor::ops
