// The unary gRPC transport against runtimes that misbehave in ways gRPC's own server will not
// act out: a scripted HTTP/2 server (nghttp2's server side) that refuses streams or keeps
// sending without answering, and a socket whose listen backlog is full.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "grpc_unary_channel.h"

namespace sensor::container {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int listen_unix(const std::string& path, int backlog) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(fd, backlog) != 0)
        return -1;
    return fd;
}

nghttp2_nv nv(const char* name, const char* value) {
    return {reinterpret_cast<uint8_t*>(const_cast<char*>(name)),
            reinterpret_cast<uint8_t*>(const_cast<char*>(value)), std::strlen(name),
            std::strlen(value), NGHTTP2_NV_FLAG_NONE};
}

// One connection at a time; what it does with each request is `mode`.
class ScriptedRuntime {
  public:
    enum class Mode {
        refuse_first,  // RST_STREAM(REFUSED_STREAM) for the first request, answer the rest
        flood,         // answer headers, then keep the socket full of ignorable frames for 3 s
    };

    ScriptedRuntime(const std::string& path, Mode mode) : mode_(mode) {
        listen_fd_ = listen_unix(path, 8);
        if (listen_fd_ >= 0) thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedRuntime() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (listen_fd_ >= 0) close(listen_fd_);
    }
    bool listening() const { return listen_fd_ >= 0; }
    int requests() const { return requests_; }
    int connections() const { return connections_; }

    static constexpr const char kAnswer[] = "\0\0\0\0\5hello";  // a framed 5-byte message

  private:
    struct Conn {
        ScriptedRuntime* self;
        int fd;
        nghttp2_session* session = nullptr;
        bool flooding = false;
        Clock::time_point flood_end{};
        size_t answer_sent = 0;
    };

    static ssize_t answer_body(nghttp2_session* s, int32_t stream, uint8_t* buf, size_t len,
                               uint32_t* flags, nghttp2_data_source* src, void*) {
        auto* c = static_cast<Conn*>(src->ptr);
        size_t total = sizeof kAnswer - 1;
        size_t n = std::min(len, total - c->answer_sent);
        std::memcpy(buf, kAnswer + c->answer_sent, n);
        c->answer_sent += n;
        if (c->answer_sent == total) {
            *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
            nghttp2_nv trailers[] = {nv("grpc-status", "0")};
            nghttp2_submit_trailer(s, stream, trailers, 1);
        }
        return static_cast<ssize_t>(n);
    }

    static int on_frame(nghttp2_session* s, const nghttp2_frame* f, void* user) {
        auto* c = static_cast<Conn*>(user);
        bool request_done = (f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA) &&
                            (f->hd.flags & NGHTTP2_FLAG_END_STREAM);
        if (!request_done) return 0;
        int n = ++c->self->requests_;
        nghttp2_nv headers[] = {nv(":status", "200"), nv("content-type", "application/grpc")};
        if (c->self->mode_ == Mode::refuse_first && n == 1) {
            nghttp2_submit_rst_stream(s, NGHTTP2_FLAG_NONE, f->hd.stream_id,
                                      NGHTTP2_REFUSED_STREAM);
        } else if (c->self->mode_ == Mode::flood) {
            nghttp2_submit_headers(s, NGHTTP2_FLAG_NONE, f->hd.stream_id, nullptr, headers, 2,
                                   nullptr);
            c->flooding = true;
            c->flood_end = Clock::now() + 3s;
        } else {
            c->answer_sent = 0;
            nghttp2_data_provider body{};
            body.source.ptr = c;
            body.read_callback = answer_body;
            nghttp2_submit_response(s, f->hd.stream_id, headers, 2, &body);
        }
        return 0;
    }

    void serve() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0) continue;
            int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            ++connections_;
            // A deep send queue (root may exceed wmem_max) so a flood never runs dry while
            // this thread waits to be scheduled.
            int bytes = 64 << 20;
            setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes);
            run(fd);
            close(fd);
        }
    }

    bool write_all(int fd, const uint8_t* data, size_t len) {
        while (len > 0 && !stop_) {
            ssize_t w = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0) {
                data += w;
                len -= static_cast<size_t>(w);
            } else if (w < 0 && errno == EAGAIN) {
                pollfd p{fd, POLLOUT, 0};
                poll(&p, 1, 20);
            } else {
                return false;
            }
        }
        return true;
    }

    void run(int fd) {
        Conn c{this, fd, nullptr, false, {}, 0};
        nghttp2_session_callbacks* cbs = nullptr;
        nghttp2_session_callbacks_new(&cbs);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame);
        nghttp2_session_server_new(&c.session, cbs, &c);
        nghttp2_session_callbacks_del(cbs);
        nghttp2_submit_settings(c.session, NGHTTP2_FLAG_NONE, nullptr, 0);
        // Empty frames of an extension type the client must ignore (RFC 9113, 5.5): cheap to
        // send in bulk, each one work to parse, so the client always has more to read.
        std::vector<uint8_t> ignorable(9 * 65536, 0);
        for (size_t i = 3; i < ignorable.size(); i += 9) ignorable[i] = 0xfa;
        while (!stop_) {
            for (;;) {
                const uint8_t* out = nullptr;
                ssize_t n = nghttp2_session_mem_send(c.session, &out);
                if (n <= 0) break;
                if (!write_all(fd, out, static_cast<size_t>(n))) goto done;
            }
            // Between nghttp2's frames, so the stream stays well formed.
            if (c.flooding && Clock::now() >= c.flood_end) c.flooding = false;
            if (c.flooding && !write_all(fd, ignorable.data(), ignorable.size())) break;
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, c.flooding ? 0 : 20) <= 0) continue;
            uint8_t buf[16384];
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r <= 0 || nghttp2_session_mem_recv(c.session, buf, static_cast<size_t>(r)) < 0)
                break;
        }
    done:
        nghttp2_session_del(c.session);
    }

    Mode mode_;
    int listen_fd_ = -1;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::atomic<int> connections_{0};
};

class GrpcUnaryChannelWireTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("sensor-grpc-wire-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        socket_ = (dir_ / "runtime.sock").string();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_;
    std::string socket_;
};

constexpr const char* kMethod = "/runtime.v1.RuntimeService/Version";

TEST_F(GrpcUnaryChannelWireTest, ARefusedStreamIsRetriedOnce) {
    ScriptedRuntime runtime(socket_, ScriptedRuntime::Mode::refuse_first);
    ASSERT_TRUE(runtime.listening());
    GrpcUnaryChannel ch(socket_);
    std::string out;
    // The first call on a fresh connection: the refusal says the runtime did not process it,
    // so it is sent again rather than reported.
    GrpcStatus s = ch.call(kMethod, "", out, 2s);
    ASSERT_TRUE(s.ok()) << s.text();
    EXPECT_EQ(out, "hello");
    EXPECT_EQ(runtime.requests(), 2);
}

TEST_F(GrpcUnaryChannelWireTest, ARuntimeThatKeepsSendingCannotHoldACallPastItsDeadline) {
    ScriptedRuntime runtime(socket_, ScriptedRuntime::Mode::flood);
    ASSERT_TRUE(runtime.listening());
    GrpcUnaryChannel ch(socket_);
    std::string out;
    auto start = Clock::now();
    GrpcStatus s = ch.call(kMethod, "", out, 200ms);
    auto took = Clock::now() - start;
    EXPECT_EQ(s.code, GrpcCode::deadline_exceeded) << s.text();
    EXPECT_LT(took, 1s);
    EXPECT_GE(runtime.requests(), 1);
}

TEST_F(GrpcUnaryChannelWireTest, AFullListenBacklogIsWaitedOnUntilTheDeadline) {
    int listener = listen_unix(socket_, 0);
    ASSERT_GE(listener, 0);
    // Fill the backlog: non-blocking connects succeed until the queue is full.
    std::vector<int> queued;
    for (int i = 0; i < 64; ++i) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ASSERT_EQ(errno, EAGAIN);
            close(fd);
            break;
        }
        queued.push_back(fd);
    }
    ASSERT_FALSE(queued.empty());
    GrpcUnaryChannel ch(socket_);
    std::string out;
    auto start = Clock::now();
    GrpcStatus s = ch.call(kMethod, "", out, 300ms);
    auto took = Clock::now() - start;
    // Busy, not absent: the call waits for room (none comes) and then gives up.
    EXPECT_EQ(s.code, GrpcCode::unavailable) << s.text();
    EXPECT_NE(s.message.find("timed out"), std::string::npos) << s.message;
    EXPECT_GE(took, 250ms);

    // Room in the queue while the call is retrying: it connects (and then, with nobody
    // serving, runs into its deadline waiting for an answer rather than for the socket).
    std::vector<int> accepted;
    std::thread drain([&] {
        std::this_thread::sleep_for(100ms);
        pollfd p{listener, POLLIN, 0};
        while (poll(&p, 1, 0) > 0) accepted.push_back(accept4(listener, nullptr, nullptr, 0));
    });
    GrpcUnaryChannel later(socket_);
    s = later.call(kMethod, "", out, 400ms);
    drain.join();
    EXPECT_EQ(s.code, GrpcCode::deadline_exceeded) << s.text();
    for (int fd : accepted) close(fd);
    for (int fd : queued) close(fd);
    close(listener);
}

}  // namespace
}  // namespace sensor::container
