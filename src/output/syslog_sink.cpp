#include "sensor/output/syslog_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sensor/engine/priority.h"
#include "sensor/events/time_format.h"

namespace sensor::output {
namespace {

bool parse_address(const std::string& host, uint16_t port, sockaddr_storage& ss, socklen_t& len) {
    std::memset(&ss, 0, sizeof ss);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof *v4;
        return true;
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof *v6;
        return true;
    }
    return false;
}

}  // namespace

std::string syslog_options_problem(const SyslogOptions& o) {
    if (o.transport != "unix" && o.transport != "udp" && o.transport != "tcp")
        return "syslog_output.protocol must be udp or tcp (or a local socket path)";
    if (o.format != "rfc3164" && o.format != "rfc5424" && o.format != "json")
        return "syslog_output.format must be rfc3164, rfc5424 or json";
    sockaddr_storage ss;
    socklen_t len;
    if (o.transport != "unix" && !parse_address(o.host, o.port, ss, len))
        return "syslog_output.host must be a numeric IPv4 or IPv6 address, got '" + o.host + "'";
    if (o.transport == "unix" && o.path.size() >= sizeof(sockaddr_un{}.sun_path))
        return "syslog_output.path is too long";
    return {};
}

SyslogSink::SyslogSink(SyslogOptions opts) : opts_(std::move(opts)), pid_(getpid()) {}

SyslogSink::~SyslogSink() {
    close_socket();
}

void SyslogSink::close_socket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool SyslogSink::connect_socket() {
    if (fd_ >= 0) return true;
    sockaddr_storage ss;
    socklen_t len = 0;
    int type = opts_.transport == "tcp" ? SOCK_STREAM : SOCK_DGRAM;
    if (opts_.transport == "unix") {
        auto* un = reinterpret_cast<sockaddr_un*>(&ss);
        std::memset(un, 0, sizeof *un);
        un->sun_family = AF_UNIX;
        std::strncpy(un->sun_path, opts_.path.c_str(), sizeof un->sun_path - 1);
        len = sizeof *un;
    } else if (!parse_address(opts_.host, opts_.port, ss, len)) {
        last_error = "bad address " + opts_.host;
        return false;
    }
    fd_ = ::socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        last_error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    // connect() on a datagram socket fixes the peer, so send() reports a missing receiver.
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
        last_error = "connect " +
                     (opts_.transport == "unix" ? opts_.path
                                                : opts_.host + ":" + std::to_string(opts_.port)) +
                     ": " + std::strerror(errno);
        close_socket();
        return false;
    }
    return true;
}

std::string SyslogSink::frame(const Alert& a) const {
    std::string out =
        "<" + std::to_string(opts_.facility * 8 + engine::priority_syslog_severity(a.priority)) +
        ">";
    if (opts_.format == "rfc5424") {
        out += "1 ";
        events::append_rfc3339_micros(a.ts_ns, out);
        out += ' ';
        out += opts_.hostname.empty() ? "-" : opts_.hostname;
        out += ' ';
        out += opts_.app;
        out += ' ';
        out += std::to_string(pid_);
        out += " - - ";
    } else {
        if (opts_.format == "json")
            events::append_rfc3339_micros(a.ts_ns, out);
        else
            events::append_rfc3164_time(a.ts_ns, out);
        out += ' ';
        // Local syslog(3) messages carry no hostname: the daemon adds its own, and would read
        // ours as the program name.
        if (opts_.transport != "unix") {
            out += opts_.hostname.empty() ? "localhost" : opts_.hostname;
            out += ' ';
        }
        out += opts_.app;
        out += '[';
        out += std::to_string(pid_);
        out += "]: ";
    }
    out += a.line;
    return out;
}

// A TCP server that went away shows as a readable socket with nothing to read; sending into
// it would "succeed" once and lose that alert, so reconnect first.
static bool peer_closed(int fd) {
    pollfd pfd{fd, POLLIN | POLLRDHUP, 0};
    if (::poll(&pfd, 1, 0) <= 0) return false;
    if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
    char c;
    return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

WriteOutcome SyslogSink::write(const Alert& alert) {
    if (opts_.transport == "tcp" && fd_ >= 0 && peer_closed(fd_)) close_socket();
    if (!connect_socket()) return WriteOutcome::unavailable;
    std::string msg = frame(alert);
    if (opts_.transport == "tcp") msg += '\n';  // RFC 6587 non-transparent framing
    const char* p = msg.data();
    size_t left = msg.size();
    while (left > 0) {
        pollfd pfd{fd_, POLLOUT, 0};
        if (::poll(&pfd, 1, 1000) <= 0) {
            last_error = "timed out sending to syslog";
            close_socket();
            return left == msg.size() ? WriteOutcome::unavailable : WriteOutcome::failed;
        }
        ssize_t n = ::send(fd_, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            last_error = std::string("send: ") + std::strerror(errno);
            close_socket();  // reconnect on the retry (the worker backs off meanwhile)
            // A frame cut in the middle is lost; one not started is sent again.
            return left == msg.size() ? WriteOutcome::unavailable : WriteOutcome::failed;
        }
        if (opts_.transport != "tcp") break;  // a datagram goes whole or not at all
        p += n;
        left -= static_cast<size_t>(n);
    }
    return WriteOutcome::written;
}

bool SyslogSink::reopen() {
    close_socket();
    return true;
}

}  // namespace sensor::output
