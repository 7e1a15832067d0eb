#pragma once
// Small pieces the live (end-to-end) tests share: scratch directories, their own alerting
// rule, reading files and the sensor's HTTP endpoint, free ports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace sensor::testing {

// An empty scratch directory for one test: /tmp/sensor-e2e-<tag>-<pid>.
inline std::string fresh_dir(const std::string& tag) {
    std::string dir = "/tmp/sensor-e2e-" + tag + "-" + std::to_string(getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// A rule that fires only for symlinks to /etc/shadow whose path starts with `prefix`: tests
// running alongside make such symlinks too, and each test's counts must be its own.
inline std::string shadow_symlink_rule(const std::string& name, const std::string& prefix,
                                       const std::string& tags = "") {
    return "- rule: " + name +
           "\n  desc: this test's symlinks to /etc/shadow\n"
           "  condition: evt.type in (symlink, symlinkat) and evt.arg.target = /etc/shadow and "
           "evt.arg.linkpath startswith " +
           prefix + "\n  output: " + name + " %evt.arg.linkpath\n  priority: WARNING\n" +
           (tags.empty() ? "" : "  tags: [" + tags + "]\n");
}

// shadow_symlink_rule for symlinks made in dir, written to dir/rules.yaml; returns the path.
inline std::string write_shadow_symlink_rule(const std::string& dir,
                                             const std::string& name = "Symlink to shadow",
                                             const std::string& tags = "") {
    std::string path = dir + "/rules.yaml";
    std::ofstream(path) << shadow_symlink_rule(name, dir + "/", tags);
    return path;
}

// Non-empty lines of a file.
inline size_t count_lines(const std::string& path) {
    std::ifstream in(path);
    size_t n = 0;
    for (std::string l; std::getline(in, l);) n += !l.empty();
    return n;
}

// A port on 127.0.0.1 nothing listens on (bound and released) for SOCK_STREAM or SOCK_DGRAM.
inline uint16_t free_local_port(int type) {
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

// GET path from 127.0.0.1:port; returns "STATUS BODY" ("" when nothing answers).
inline std::string http_get(uint16_t port, const std::string& path) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return "";
    }
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    (void)!write(fd, req.data(), req.size());
    std::string resp;
    char buf[65536];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) resp.append(buf, static_cast<size_t>(n));
    close(fd);
    size_t sp = resp.find(' ');
    size_t body = resp.find("\r\n\r\n");
    if (sp == std::string::npos || body == std::string::npos) return "";
    return resp.substr(sp + 1, 3) + " " + resp.substr(body + 4);
}

// The value of a Prometheus sample line "NAME{LABELS} VALUE" (labels given exactly, or
// none); -1 when absent.
inline double metric(const std::string& text, const std::string& series) {
    size_t at = 0;
    while ((at = text.find(series + " ", at)) != std::string::npos) {
        if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
        at += series.size();
    }
    return -1;
}

// The port the sensor logged for its webserver ("... /metrics on 127.0.0.1:PORT"); 0 if none.
inline uint16_t webserver_port(const std::string& log) {
    std::smatch m;
    if (!std::regex_search(log, m, std::regex("/metrics on 127\\.0\\.0\\.1:(\\d+)"))) return 0;
    return static_cast<uint16_t>(std::stoi(m[1]));
}

}  // namespace sensor::testing
