#include "sensor/ops/health_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sensor/ops/stream.h"

namespace sensor::ops {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(1);

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

bool HealthServer::start(const Options& options, Metrics metrics, Healthy healthy,
                         std::string& error) {
    options_ = options;
    metrics_ = std::move(metrics);
    healthy_ = std::move(healthy);
    if (!options.tls_certificate.empty()) {
        tls_ = make_tls_server_context(options.tls_certificate, "", error,
                                       "webserver.ssl_certificate");
        if (!tls_) return false;
    }
    if (!bind_listen(options.address, options.port, error)) return false;
    thread_ = std::thread([this] { run(); });
    return true;
}

bool HealthServer::bind_listen(const std::string& address, uint16_t port, std::string& error) {
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
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) continue;
        serve(fd);
    }
}

// One request on fd (which the stream owns and closes): a TLS handshake first when on.
void HealthServer::serve(int fd) {
    bool failed = false;
    SSL* ssl = new_tls_session(tls_.get(), fd, failed);
    if (failed) return;
    Stream stream(fd, ssl, -1);
    const auto deadline = Stream::Clock::now() + kRequestTimeout;
    if (stream.handshake(deadline) != Stream::Io::Ok) return;
    std::string req;
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 8192)
        if (stream.read_some(req, 2048, deadline) != Stream::Io::Ok) return;
    stream.write_all(answer(req), deadline);
    stream.shutdown_write();
}

std::string HealthServer::answer(const std::string& req) {
    size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos)
        return response(400, "Bad Request", "text/plain", "bad request\n");
    std::string method = req.substr(0, sp1), path = req.substr(sp1 + 1, sp2 - sp1 - 1);
    if (method != "GET") return response(405, "Method Not Allowed", "text/plain", "GET only\n");
    if (path == options_.healthz_path) {
        std::string why;
        if (healthy_(why)) return response(200, "OK", "application/json", "{\"status\":\"ok\"}\n");
        return response(
            503, "Service Unavailable", "application/json",
            "{\"status\":\"unhealthy\",\"reason\":\"" + prometheus_label(why) + "\"}\n");
    }
    if (path == "/metrics" && options_.metrics)
        return response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", metrics_());
    return response(404, "Not Found", "text/plain", "not found\n");
}

}  // namespace sensor::ops
