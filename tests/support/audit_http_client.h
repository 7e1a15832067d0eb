#pragma once
// A raw HTTP/1.1 client for the audit webhook tests, plain or TLS (OpenSSL), on 127.0.0.1: sends
// exactly the bytes a test writes (half requests, lying lengths) and reads one answer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace sensor::testing_support {

struct HttpAnswer {
    int status = -1;                             // -1: no answer (closed, reset, timed out)
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
};

class AuditTestClient {
  public:
    ~AuditTestClient() { disconnect(); }

    // ctx: a TLS client context, or null for plain TCP. False when TCP or TLS fails.
    bool connect_to(uint16_t port, SSL_CTX* ctx = nullptr) {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        timeval tv{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
        if (ctx == nullptr) return true;
        ssl_ = SSL_new(ctx);
        SSL_set_fd(ssl_, fd_);
        bool ok = SSL_connect(ssl_) == 1;
        ERR_clear_error();
        return ok;
    }

    void disconnect() {
        if (ssl_ != nullptr) SSL_free(ssl_);
        ssl_ = nullptr;
        if (fd_ >= 0) close(fd_);
        fd_ = -1;
    }

    bool send(const std::string& data) {
        size_t off = 0;
        while (off < data.size()) {
            ssize_t n =
                ssl_ != nullptr
                    ? SSL_write(ssl_, data.data() + off, static_cast<int>(data.size() - off))
                    : ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return false;
            off += static_cast<size_t>(n);
        }
        return true;
    }

    void shutdown_write() { shutdown(fd_, SHUT_WR); }

    HttpAnswer read_answer() {
        HttpAnswer a;
        size_t end;
        while ((end = in_.find("\r\n\r\n")) == std::string::npos)
            if (!read_more()) return a;
        std::string head = in_.substr(0, end);
        in_.erase(0, end + 4);
        a.status = std::stoi(head.substr(9, 3));
        for (size_t pos = head.find("\r\n"); pos != std::string::npos;) {
            size_t next = head.find("\r\n", pos + 2);
            std::string line =
                head.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
            size_t colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (char& c : name) c = static_cast<char>(std::tolower(c));
            a.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
            pos = next;
        }
        size_t length =
            a.headers.count("content-length") ? std::stoul(a.headers["content-length"]) : 0;
        while (in_.size() < length)
            if (!read_more()) return HttpAnswer{};
        a.body = in_.substr(0, length);
        in_.erase(0, length);
        return a;
    }

    // True when the server closed the connection (EOF or reset) within the receive timeout.
    bool closed_by_server() {
        while (read_more()) {
        }
        return last_read_ended_;
    }

    HttpAnswer post(const std::string& path, const std::string& body,
                    const std::string& extra_headers = "",
                    const std::string& type = "application/json") {
        if (!send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
                  "\r\n" + body))
            return HttpAnswer{};
        return read_answer();
    }

  private:
    bool read_more() {
        char buf[16384];
        ssize_t n =
            ssl_ != nullptr ? SSL_read(ssl_, buf, sizeof buf) : recv(fd_, buf, sizeof buf, 0);
        if (ssl_ != nullptr) ERR_clear_error();
        if (n <= 0) {
            // EOF or reset: the server ended it. EAGAIN: the receive timeout, it did not.
            last_read_ended_ = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
            return false;
        }
        in_.append(buf, static_cast<size_t>(n));
        return true;
    }

    int fd_ = -1;
    SSL* ssl_ = nullptr;
    std::string in_;
    bool last_read_ended_ = false;
};

// Polls `done` for up to `ms` milliseconds.
inline bool eventually(const std::function<bool()>& done, int ms = 5000) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace sensor::testing_support
