#pragma once
// One accepted connection, plain or TLS, on a non-blocking socket: every wait has a deadline
// (slow clients cost a thread only that long) and also wakes on the server's stop fd (-1:
// none). The audit webhook's and the webserver's connections.
#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <string_view>

namespace sensor::ops {

class Stream {
  public:
    using Clock = std::chrono::steady_clock;
    enum class Io { Ok, Eof, Timeout, Stopped, Error };

    // Takes ownership of fd and ssl (null for plain TCP).
    Stream(int fd, SSL* ssl, int stop_fd) : fd_(fd), ssl_(ssl), stop_fd_(stop_fd) {}
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    // The TLS handshake (nothing for plain TCP). Eof: closed before any byte; Error: refused
    // (no or a bad client certificate, not TLS at all).
    Io handshake(Clock::time_point deadline);
    // Appends at most `max` bytes that arrived (at least one unless not Ok).
    Io read_some(std::string& buf, size_t max, Clock::time_point deadline);
    Io write_all(std::string_view data, Clock::time_point deadline);
    // No more writes: FIN, or TLS close_notify; reads may go on.
    void shutdown_write();

  private:
    Io wait(short events, Clock::time_point deadline);
    // What to wait for after an SSL call failed with `ret`; Ok means retry the call.
    Io wait_ssl(int ret, Clock::time_point deadline);

    int fd_;
    SSL* ssl_;
    int stop_fd_;
};

}  // namespace sensor::ops
