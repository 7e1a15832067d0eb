// End-to-end webhook throughput of the k8s_audit source (docs/performance.md): starts
// `sensor run --disable-source syscall` with the upstream k8s audit rules and the webhook on a
// loopback port, POSTs EventLists of 400 events (the API server's largest batch) built from
// the upstream samples over C keep-alive connections, then stops the sensor (it evaluates
// everything it answered 200 to before it exits) and reports events per second from the
// first POST to the sensor's exit, with the sensor's CPU time.
//
//   sensor_audit_webhook_load SENSOR_BINARY [BATCHES=500] [CONNECTIONS=2]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// An EventList of n events cycled from the samples (the malformed one left out).
std::string batch_body(size_t n) {
    std::vector<std::string> events;
    for (const auto& e :
         fs::directory_iterator(std::string(SENSOR_SHARED_DIR) + "/k8saudit-samples")) {
        if (e.path().extension() != ".json" || e.path().filename() == "fal_01_003.json") continue;
        std::istringstream in(read_text(e.path()));
        for (std::string l; std::getline(in, l);)
            if (l.find('{') != std::string::npos) events.push_back(l);
    }
    std::string body =
        R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[)";
    for (size_t i = 0; i < n; ++i) body += (i ? "," : "") + events[i % events.size()];
    return body + "]}";
}

int connect_loopback(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

// POSTs `count` bodies on one keep-alive connection; the number answered 200.
size_t post_batches(uint16_t port, const std::string& body, size_t count) {
    int fd = connect_loopback(port);
    if (fd < 0) return 0;
    const std::string request =
        "POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: "
        "application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    size_t ok = 0;
    std::string in;
    char buf[4096];
    for (size_t i = 0; i < count; ++i) {
        for (size_t off = 0; off < request.size();) {
            ssize_t n = send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return ok;
            off += static_cast<size_t>(n);
        }
        // Each answer is a short head with Content-Length: 0 or a tiny body.
        while (in.find("\r\n\r\n") == std::string::npos) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return ok;
            in.append(buf, static_cast<size_t>(n));
        }
        if (in.compare(9, 3, "200") == 0)
            ++ok;
        else
            --i, std::this_thread::sleep_for(std::chrono::milliseconds(1));  // 503: retry
        size_t end = in.find("\r\n\r\n") + 4;
        std::smatch m;
        std::string head = in.substr(0, end);
        static const std::regex len("Content-Length: ([0-9]+)", std::regex::icase);
        size_t body_len = std::regex_search(head, m, len) ? std::stoul(m[1]) : 0;
        while (in.size() < end + body_len) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return ok;
            in.append(buf, static_cast<size_t>(n));
        }
        in.erase(0, end + body_len);
    }
    close(fd);
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s SENSOR_BINARY [BATCHES] [CONNECTIONS]\n", argv[0]);
        return 2;
    }
    const size_t batches = argc > 2 ? std::stoul(argv[2]) : 500;
    const size_t conns = argc > 3 ? std::stoul(argv[3]) : 2;
    const size_t per_batch = 400;
    std::string dir =
        fs::temp_directory_path() / ("sensor-webhook-load-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir + "/sensor.yaml")
        << "load_plugins: [k8saudit, json]\nplugins:\n  - name: k8saudit\n    init_config:\n"
           "      queueSize: 64\n    open_params: http://127.0.0.1:0/k8s-audit\n"
           "  - name: json\ncontainer_metadata:\n  enabled: false\n";
    int err_pipe[2];
    if (pipe(err_pipe) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(err_pipe[1], 2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);  // the alerts: their formatting is measured, their terminal is not
        std::string rules = std::string(SENSOR_SHARED_DIR) + "/rules/k8s_audit_rules.yaml";
        std::string cfg = dir + "/sensor.yaml";
        execl(argv[1], argv[1], "run", "-c", cfg.c_str(), "-r", rules.c_str(), "--disable-source",
              "syscall", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(err_pipe[1]);
    std::string err;
    char buf[4096];
    static const std::regex port_re(R"(webhook http://127\.0\.0\.1:([0-9]+)/)");
    std::smatch m;
    while (!std::regex_search(err, m, port_re) || err.find("ready") == std::string::npos) {
        ssize_t n = read(err_pipe[0], buf, sizeof buf);
        if (n <= 0) {
            std::fprintf(stderr, "sensor did not start:\n%s\n", err.c_str());
            return 1;
        }
        err.append(buf, static_cast<size_t>(n));
    }
    const uint16_t port = static_cast<uint16_t>(std::stoi(m[1]));
    const std::string body = batch_body(per_batch);
    auto start = std::chrono::steady_clock::now();
    std::atomic<size_t> accepted{0};
    std::vector<std::thread> threads;
    for (size_t c = 0; c < conns; ++c)
        threads.emplace_back([&, c] {
            accepted += post_batches(port, body, batches / conns + (c < batches % conns));
        });
    for (auto& t : threads) t.join();
    kill(pid, SIGINT);
    std::thread reader([&] {
        ssize_t n;
        while ((n = read(err_pipe[0], buf, sizeof buf)) > 0)
            err.append(buf, static_cast<size_t>(n));
    });
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reader.join();
    static const std::regex stop_re(R"(k8s_audit: ([0-9]+) payloads, ([0-9]+) events)");
    const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    if (!std::regex_search(err, m, stop_re)) {
        std::fprintf(stderr, "no stop line:\n%s\n", err.c_str());
        return 1;
    }
    const double events = std::stod(m[2]);
    std::printf("webhook: %zu batches of %zu events over %zu connections, %zu answered 200\n",
                batches, per_batch, conns, accepted.load());
    std::printf(
        "sensor evaluated %.0f events in %.2f s: %.0f events/s end to end; sensor CPU "
        "%.2f s (%.0f events per CPU second)\n",
        events, secs, events / secs, cpu, events / cpu);
    fs::remove_all(dir);
    return events == static_cast<double>(accepted.load() * per_batch) ? 0 : 1;
}
