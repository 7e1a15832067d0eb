#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for output tests: takes POSTs (Content-Length bodies,
// kept-alive connections), answers each with the status `status_for` picks, and records what
// arrived. stop() closes everything (a server going away); start() again reuses the port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sensor::testing_support {

struct HttpRequest {
    std::string method, target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
};

class HttpReceiver {
  public:
    // Request number (from 0) -> status to answer.
    std::function<int(size_t)> status_for = [](size_t) { return 200; };

    ~HttpReceiver() { stop(); }

    bool start(uint16_t port = 0) {
        lsn_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(lsn_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        if (bind(lsn_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lsn_, 16) != 0)
            return false;
        socklen_t len = sizeof a;
        getsockname(lsn_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        running_ = true;
        thread_ = std::thread([this] { serve(); });
        return true;
    }

    void stop() {
        if (!running_) return;
        running_ = false;
        thread_.join();
        close(lsn_);
    }

    uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    std::vector<HttpRequest> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }
    size_t request_count() {
        std::lock_guard lock(mu_);
        return requests_.size();
    }
    size_t connections() const { return connections_; }

  private:
    struct Conn {
        int fd;
        std::string in;
    };

    void serve() {
        std::vector<Conn> conns;
        while (running_) {
            std::vector<pollfd> fds{{lsn_, POLLIN, 0}};
            for (auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
            if (poll(fds.data(), fds.size(), 20) <= 0) continue;
            if (fds[0].revents & POLLIN) {
                int fd = accept4(lsn_, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) {
                    conns.push_back({fd, {}});
                    ++connections_;
                }
            }
            for (size_t i = 1; i < fds.size(); ++i) {
                if (!fds[i].revents) continue;
                Conn& c = conns[i - 1];
                char buf[65536];
                ssize_t n = read(c.fd, buf, sizeof buf);
                if (n <= 0) {
                    close(c.fd);
                    c.fd = -1;
                    continue;
                }
                c.in.append(buf, static_cast<size_t>(n));
                while (answer_one(c)) {
                }
            }
            std::erase_if(conns, [](const Conn& c) { return c.fd < 0; });
        }
        for (auto& c : conns) close(c.fd);
    }

    // Parses one complete request from c.in and answers it; false when more bytes are needed.
    bool answer_one(Conn& c) {
        size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) return false;
        HttpRequest r;
        size_t line_end = c.in.find("\r\n");
        std::string first = c.in.substr(0, line_end);
        size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
        r.method = first.substr(0, sp1);
        r.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
        size_t pos = line_end + 2;
        while (pos < end) {
            size_t e = c.in.find("\r\n", pos);
            std::string h = c.in.substr(pos, e - pos);
            size_t colon = h.find(':');
            std::string name = h.substr(0, colon);
            for (auto& ch : name) ch = static_cast<char>(tolower(ch));
            std::string value = h.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            r.headers[name] = value;
            pos = e + 2;
        }
        size_t length =
            r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
        if (c.in.size() < end + 4 + length) return false;
        r.body = c.in.substr(end + 4, length);
        c.in.erase(0, end + 4 + length);
        size_t index;
        {
            std::lock_guard lock(mu_);
            index = seen_++;
            int status = status_for(index);
            if (status >= 200 && status < 300) requests_.push_back(r);
            std::string reply =
                "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 2\r\n\r\nok";
            (void)!write(c.fd, reply.data(), reply.size());
        }
        return true;
    }

    int lsn_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> running_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<HttpRequest> requests_;  // the ones answered 2xx
    size_t seen_ = 0;
    std::atomic<size_t> connections_{0};
};

}  // namespace sensor::testing_support
