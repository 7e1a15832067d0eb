#include "sensor/audit_ingest/webhook_input.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sensor::audit_ingest {
namespace {

bool is_loopback(const sockaddr_storage& ss) {
    if (ss.ss_family == AF_INET) {
        auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) return true;
        return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

std::string numeric_host_port(const sockaddr_storage& ss, socklen_t len) {
    char host[NI_MAXHOST] = "?", serv[NI_MAXSERV] = "?";
    getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host, sizeof host, serv, sizeof serv,
                NI_NUMERICHOST | NI_NUMERICSERV);
    std::string h = host;
    return (ss.ss_family == AF_INET6 ? "[" + h + "]" : h) + ":" + serv;
}

}  // namespace

WebhookInput::WebhookInput(const InputConfig& cfg, const OpenParams& params)
    : params_(params), sh_(cfg, params.path) {
    sh_.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

WebhookInput::~WebhookInput() {
    stop();
    if (listen_fd_ >= 0) close(listen_fd_);
    if (sh_.stop_fd >= 0) close(sh_.stop_fd);
}

bool WebhookInput::load_token(std::string& error) {
    if (sh_.cfg.bearer_token_file.empty()) return true;
    std::ifstream in(sh_.cfg.bearer_token_file);
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    size_t end = token.find_last_not_of(" \t\r\n");
    token.erase(end == std::string::npos ? 0 : end + 1);
    token.erase(0, token.find_first_not_of(" \t\r\n"));
    if (!in || token.empty()) {
        error = "bearerTokenFile " + sh_.cfg.bearer_token_file + ": unreadable or empty";
        return false;
    }
    sh_.token = token;
    return true;
}

bool WebhookInput::start(std::string& error) {
    if (started_) return true;
    if (sh_.stop_fd < 0) {
        error = std::string("eventfd: ") + strerror(errno);
        return false;
    }
    if (!params_.tls && !sh_.cfg.ssl_client_ca.empty()) {
        // Silently ignoring it would leave the endpoint open while the operator thinks not.
        error = "sslClientCA needs an https:// webhook";
        return false;
    }
    if (params_.tls) {
        tls_ = ops::make_tls_server_context(sh_.cfg.ssl_certificate, sh_.cfg.ssl_client_ca, error);
        if (!tls_) return false;
    }
    if (!load_token(error) || !bind_listener(error)) return false;
    started_ = true;
    acceptor_ = std::thread([this] { accept_loop(); });
    return true;
}

bool WebhookInput::bind_address(const sockaddr* addr, socklen_t len, bool dual_stack) {
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (dual_stack) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(fd, addr, len) != 0 || listen(fd, 128) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return false;
    }
    listen_fd_ = fd;
    sockaddr_storage ss{};
    socklen_t sl = sizeof ss;
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl);
    port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    bound_ = numeric_host_port(ss, sl);
    bound_loopback_ = is_loopback(ss);
    return true;
}

// An empty host: every interface, IPv6 and IPv4 on one socket where the kernel has IPv6.
bool WebhookInput::bind_any(std::string& error) {
    sockaddr_in6 a6{};
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_any;
    a6.sin6_port = htons(params_.port);
    if (bind_address(reinterpret_cast<sockaddr*>(&a6), sizeof a6, true)) return true;
    sockaddr_in a4{};
    a4.sin_family = AF_INET;
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    a4.sin_port = htons(params_.port);
    if (bind_address(reinterpret_cast<sockaddr*>(&a4), sizeof a4, false)) return true;
    error =
        "webhook: cannot listen on port " + std::to_string(params_.port) + ": " + strerror(errno);
    return false;
}

bool WebhookInput::bind_resolved(std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    std::string port = std::to_string(params_.port);
    if (int rc = getaddrinfo(params_.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        error = "webhook: cannot resolve '" + params_.host + "': " + gai_strerror(rc);
        return false;
    }
    int last_errno = 0;
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        if (bind_address(ai->ai_addr, ai->ai_addrlen, false)) break;
        last_errno = errno;
    }
    freeaddrinfo(res);
    if (listen_fd_ >= 0) return true;
    error = "webhook: cannot listen on " + params_.host + ":" + port + ": " + strerror(last_errno);
    return false;
}

bool WebhookInput::bind_listener(std::string& error) {
    return params_.host.empty() ? bind_any(error) : bind_resolved(error);
}

void WebhookInput::stop() {
    if (!started_) return;
    started_ = false;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(sh_.stop_fd, &one, sizeof one);  // wakes every poll
    acceptor_.join();
}

void WebhookInput::accept_loop() {
    // A peer gone mid-answer must be an EPIPE, not a SIGPIPE (OpenSSL writes with write());
    // the connection threads inherit this mask.
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    for (;;) {
        pollfd p[2] = {{listen_fd_, POLLIN, 0}, {sh_.stop_fd, POLLIN, 0}};
        int n = poll(p, 2, 1000);  // the timeout only paces the reaping of finished threads
        reap_workers(false);
        if (n < 0 && errno != EINTR) break;
        if (p[1].revents != 0) break;
        if (n <= 0 || p[0].revents == 0) continue;
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) usleep(100 * 1000);  // do not spin
            continue;
        }
        ++sh_.counters.connections;
        if (workers_.size() >= sh_.cfg.max_connections) {
            ++sh_.counters.connections_refused;
            close(fd);
            continue;
        }
        start_session(fd);
    }
    reap_workers(true);
}

void WebhookInput::start_session(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    bool failed = false;
    SSL* ssl = ops::new_tls_session(tls_.get(), fd, failed);
    if (failed) return;
    auto stream = std::make_unique<Stream>(fd, ssl, sh_.stop_fd);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread t([this, done, s = std::move(stream)]() mutable {
        WebhookSession(sh_, std::move(s)).run();
        *done = true;
    });
    workers_.push_back(Worker{std::move(t), done});
}

void WebhookInput::reap_workers(bool all) {
    for (auto it = workers_.begin(); it != workers_.end();) {
        if (all || *it->done) {
            it->thread.join();
            it = workers_.erase(it);
        } else {
            ++it;
        }
    }
}

size_t WebhookInput::drain(std::vector<std::string>& out, size_t max) {
    return sh_.queue.drain(out, max);
}

std::string WebhookInput::describe() const {
    std::string where = bound_.empty() ? params_.host + ":" + std::to_string(params_.port) : bound_;
    return std::string("webhook ") + (params_.tls ? "https://" : "http://") + where + params_.path +
           (sh_.token.empty() ? "" : " (bearer token)") +
           (params_.tls && !sh_.cfg.ssl_client_ca.empty() ? " (client certificates)" : "");
}

bool WebhookInput::unauthenticated_remote() const {
    bool client_certs = params_.tls && !sh_.cfg.ssl_client_ca.empty();
    return !bound_loopback_ && !client_certs && sh_.cfg.bearer_token_file.empty();
}

}  // namespace sensor::audit_ingest
