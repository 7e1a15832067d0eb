#include "sensor/ops/health_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sensor::ops {
namespace {

constexpr int kRequestTimeoutMs = 1000;

void send_all(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        pollfd p{fd, POLLOUT, 0};
        if (poll(&p, 1, kRequestTimeoutMs) <= 0) return;
        ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;
        off += static_cast<size_t>(n);
    }
}

std::string response(int code, const char* reason, const char* type, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

}  // namespace

std::string prometheus_label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\', out += c;
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

HealthServer::~HealthServer() {
    stop();
}

bool HealthServer::start(const std::string& address, uint16_t port, Metrics metrics,
                         Healthy healthy, std::string& error) {
    metrics_ = std::move(metrics);
    healthy_ = std::move(healthy);
    sockaddr_in6 a6{};
    sockaddr_in a4{};
    sockaddr* sa = nullptr;
    socklen_t len = 0;
    int family = AF_INET;
    if (inet_pton(AF_INET, address.c_str(), &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(port);
        sa = reinterpret_cast<sockaddr*>(&a4);
        len = sizeof a4;
    } else if (inet_pton(AF_INET6, address.c_str(), &a6.sin6_addr) == 1) {
        family = AF_INET6;
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(port);
        sa = reinterpret_cast<sockaddr*>(&a6);
        len = sizeof a6;
    } else {
        error = "webserver.listen_address '" + address + "' is not a numeric IPv4/IPv6 address";
        return false;
    }
    listen_fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (listen_fd_ < 0 || bind(listen_fd_, sa, len) != 0 || listen(listen_fd_, 16) != 0) {
        error = "webserver: cannot listen on " + address + ":" + std::to_string(port) + ": " +
                std::strerror(errno);
        if (listen_fd_ >= 0) close(listen_fd_);
        listen_fd_ = -1;
        return false;
    }
    sockaddr_storage bound{};
    socklen_t blen = sizeof bound;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
    port_ = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                    : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
    thread_ = std::thread([this] { run(); });
    return true;
}

void HealthServer::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
    listen_fd_ = -1;
}

void HealthServer::run() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        serve(fd);
        close(fd);
    }
}

void HealthServer::serve(int fd) {
    std::string req;
    char buf[2048];
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 8192) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, kRequestTimeoutMs) <= 0) return;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        req.append(buf, static_cast<size_t>(n));
    }
    size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos) {
        send_all(fd, response(400, "Bad Request", "text/plain", "bad request\n"));
        return;
    }
    std::string method = req.substr(0, sp1), path = req.substr(sp1 + 1, sp2 - sp1 - 1);
    if (method != "GET") {
        send_all(fd, response(405, "Method Not Allowed", "text/plain", "GET only\n"));
        return;
    }
    if (path == "/healthz") {
        std::string why;
        bool ok = healthy_(why);
        send_all(fd, ok ? response(200, "OK", "application/json", "{\"status\":\"ok\"}\n")
                        : response(503, "Service Unavailable", "application/json",
                                   "{\"status\":\"unhealthy\",\"reason\":\"" +
                                       prometheus_label(why) + "\"}\n"));
    } else if (path == "/metrics") {
        send_all(fd, response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", metrics_()));
    } else {
        send_all(fd, response(404, "Not Found", "text/plain", "not found\n"));
    }
}

}  // namespace sensor::ops
