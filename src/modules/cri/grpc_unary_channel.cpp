#include "grpc_unary_channel.h"

#include <fcntl.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sensor::container {

std::string GrpcStatus::text() const {
    return std::to_string(static_cast<int>(code)) + " " + message;
}

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

// One call in flight: the framed request going out, what came back.
struct Call {
    int32_t stream_id = -1;
    std::string body;  // 5-byte gRPC prefix + the serialized request
    size_t sent = 0;
    int http_status = 0;
    int grpc_status = -1;  // -1: no grpc-status header yet
    std::string grpc_message;
    std::string data;  // DATA frames as received (prefix + message)
    bool too_large = false;
    bool closed = false;
    uint32_t reset_code = 0;  // the HTTP/2 error code the stream closed with
};

// grpc-message is percent-encoded (gRPC protocol).
std::string percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

// A response without grpc-status: the HTTP status decides (gRPC's HTTP-to-status table).
GrpcCode code_of_http_status(int http) {
    switch (http) {
        case 400:
            return GrpcCode::internal;
        case 401:
            return GrpcCode::unauthenticated;
        case 403:
            return GrpcCode::permission_denied;
        case 404:
            return GrpcCode::unimplemented;
        case 429:
        case 502:
        case 503:
        case 504:
            return GrpcCode::unavailable;
        default:
            return GrpcCode::unknown;
    }
}

nghttp2_nv header(std::string_view name, std::string_view value) {
    return {const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(name.data())),
            const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(value.data())), name.size(),
            value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

struct GrpcUnaryChannel::Connection {
    int fd = -1;
    nghttp2_session* session = nullptr;
    Call* current = nullptr;
    bool goaway = false;
    bool used = false;  // a call has completed on it (so a failure may be a stale socket)

    ~Connection() {
        if (session) nghttp2_session_del(session);
        if (fd >= 0) close(fd);
    }

    Call* call_on(int32_t stream_id) const {
        return current && current->stream_id == stream_id ? current : nullptr;
    }

    static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                         void* user) {
        if (frame->hd.type != NGHTTP2_HEADERS) return 0;
        Call* c = static_cast<Connection*>(user)->call_on(frame->hd.stream_id);
        if (!c) return 0;
        std::string_view n(reinterpret_cast<const char*>(name), namelen);
        std::string_view v(reinterpret_cast<const char*>(value), valuelen);
        if (n == ":status") {
            c->http_status = std::atoi(std::string(v).c_str());
        } else if (n == "grpc-status") {
            c->grpc_status = std::atoi(std::string(v).c_str());
        } else if (n == "grpc-message") {
            c->grpc_message = percent_decode(v);
        }
        return 0;
    }

    static int on_data(nghttp2_session* session, uint8_t, int32_t stream_id, const uint8_t* data,
                       size_t len, void* user) {
        Call* c = static_cast<Connection*>(user)->call_on(stream_id);
        if (!c || c->too_large) return 0;
        if (c->data.size() + len > kMaxResponseBytes + 5) {
            c->too_large = true;
            nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
            return 0;
        }
        c->data.append(reinterpret_cast<const char*>(data), len);
        return 0;
    }

    static int on_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user) {
        if (Call* c = static_cast<Connection*>(user)->call_on(stream_id)) {
            c->closed = true;
            c->reset_code = error_code;
        }
        return 0;
    }

    static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
        if (frame->hd.type == NGHTTP2_GOAWAY) static_cast<Connection*>(user)->goaway = true;
        return 0;
    }

    static ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source* source, void*) {
        Call* c = static_cast<Call*>(source->ptr);
        size_t n = std::min(length, c->body.size() - c->sent);
        std::memcpy(buf, c->body.data() + c->sent, n);
        c->sent += n;
        if (c->sent == c->body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
        return static_cast<ssize_t>(n);
    }

    // Connects and sends the client preface; false with error when the runtime is not there.
    bool open(const std::string& path, Clock::time_point deadline, std::string& error) {
        sockaddr_un addr{};
        if (path.size() >= sizeof addr.sun_path) {
            error = "socket path too long: " + path;
            return false;
        }
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            error = std::string("socket: ") + std::strerror(errno);
            return false;
        }
        // A unix socket whose listen backlog is full says EAGAIN and leaves nothing pending
        // (poll would report the unconnected socket writable): try again until the deadline.
        while (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN || Clock::now() >= deadline) {
                error =
                    "connect " + path + ": " + std::strerror(errno == EAGAIN ? ETIMEDOUT : errno);
                return false;
            }
            timespec pause{0, 5 * 1000 * 1000};
            nanosleep(&pause, nullptr);
        }
        nghttp2_session_callbacks* cbs = nullptr;
        if (nghttp2_session_callbacks_new(&cbs) != 0) {
            error = "out of memory";
            return false;
        }
        nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_close);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame);
        int rv = nghttp2_session_client_new(&session, cbs, this);
        nghttp2_session_callbacks_del(cbs);
        if (rv != 0) {
            error = std::string("nghttp2: ") + nghttp2_strerror(rv);
            return false;
        }
        // A 1 MiB stream window lets a verbose ContainerStatus arrive without a round trip
        // per 64 KiB.
        nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
        nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 2);
        // The connection's window too, which SETTINGS does not change (it starts at 64 KiB).
        nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, 1 << 20);
        return true;
    }

    // Writes everything nghttp2 has queued; false with error when the socket fails or the
    // deadline passes.
    bool flush(Clock::time_point deadline, std::string& error) {
        for (;;) {
            const uint8_t* out = nullptr;
            ssize_t n = nghttp2_session_mem_send(session, &out);
            if (n < 0) {
                error = std::string("nghttp2: ") + nghttp2_strerror(static_cast<int>(n));
                return false;
            }
            if (n == 0) return true;
            size_t done = 0;
            while (done < static_cast<size_t>(n)) {
                ssize_t w = send(fd, out + done, static_cast<size_t>(n) - done, MSG_NOSIGNAL);
                if (w > 0) {
                    done += static_cast<size_t>(w);
                    continue;
                }
                if (w < 0 && errno == EINTR) continue;
                if (w < 0 && errno == EAGAIN) {
                    pollfd p{fd, POLLOUT, 0};
                    int ready = poll(&p, 1, remaining_ms(deadline));
                    if (ready > 0 || (ready < 0 && errno == EINTR)) continue;
                    error = "write timed out";
                    return false;
                }
                error = std::string("write: ") + std::strerror(errno);
                return false;
            }
        }
    }

    // Reads what the runtime sent, waiting until the deadline; 0 ok, 1 deadline, -1 failure.
    int receive(Clock::time_point deadline, std::string& error) {
        pollfd p{fd, POLLIN, 0};
        int ready = poll(&p, 1, remaining_ms(deadline));
        if (ready == 0) return 1;
        if (ready < 0) {
            if (errno == EINTR) return 0;
            error = std::string("poll: ") + std::strerror(errno);
            return -1;
        }
        uint8_t buf[16384];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
        if (n <= 0) {
            error = n == 0 ? "connection closed by the runtime"
                           : std::string("read: ") + std::strerror(errno);
            return -1;
        }
        ssize_t used_bytes = nghttp2_session_mem_recv(session, buf, static_cast<size_t>(n));
        if (used_bytes < 0) {
            error = std::string("nghttp2: ") + nghttp2_strerror(static_cast<int>(used_bytes));
            return -1;
        }
        return 0;
    }
};

GrpcUnaryChannel::GrpcUnaryChannel(std::string socket_path)
    : socket_path_(std::move(socket_path)) {}

GrpcUnaryChannel::~GrpcUnaryChannel() = default;

GrpcStatus GrpcUnaryChannel::call(std::string_view method, std::string_view request,
                                  std::string& response, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    Failure failure = Failure::none;
    bool reused = conn_ && conn_->used;
    GrpcStatus s = call_once(method, request, response, deadline, failure);
    // The runtime may have closed an idle connection (a restart, an idle timeout), or refused
    // the stream (it is draining the connection after GOAWAY, so did not process it): one
    // retry, on a fresh connection when the old one is gone.
    // The calls are reads, so a repeat is harmless.
    bool retry = failure == Failure::refused || (failure == Failure::broken && reused);
    if (retry && Clock::now() < deadline)
        s = call_once(method, request, response, deadline, failure);
    return s;
}

GrpcStatus GrpcUnaryChannel::call_once(std::string_view method, std::string_view request,
                                       std::string& response, Clock::time_point deadline,
                                       Failure& failure) {
    failure = Failure::none;
    response.clear();
    std::string error;
    if (!conn_) {
        auto c = std::make_unique<Connection>();
        if (!c->open(socket_path_, deadline, error)) return {GrpcCode::unavailable, error};
        conn_ = std::move(c);
    }
    Call call;
    call.body.reserve(5 + request.size());
    uint32_t len = static_cast<uint32_t>(request.size());
    call.body.push_back(0);  // not compressed
    for (int shift = 24; shift >= 0; shift -= 8)
        call.body.push_back(static_cast<char>((len >> shift) & 0xff));
    call.body.append(request);

    std::string timeout_value = std::to_string(std::max(1, remaining_ms(deadline))) + "m";
    const nghttp2_nv headers[] = {
        header(":method", "POST"),
        header(":scheme", "http"),
        header(":path", method),
        header(":authority", "localhost"),
        header("content-type", "application/grpc"),
        header("te", "trailers"),
        header("grpc-timeout", timeout_value),
        header("user-agent", "sensor-cri"),
    };
    nghttp2_data_provider body{};
    body.source.ptr = &call;
    body.read_callback = Connection::read_body;
    call.stream_id = nghttp2_submit_request(conn_->session, nullptr, headers,
                                            sizeof headers / sizeof headers[0], &body, nullptr);
    if (call.stream_id < 0) {
        // No stream id left or the session is closing: the next call starts a new connection.
        conn_.reset();
        failure = Failure::broken;
        return {GrpcCode::unavailable, std::string("nghttp2: ") + nghttp2_strerror(call.stream_id)};
    }
    conn_->current = &call;
    while (!call.closed) {
        // Checked here too: a runtime that keeps sending must not hold the call past it.
        if (Clock::now() >= deadline) {
            error = "deadline";
            break;
        }
        if (!conn_->flush(deadline, error)) break;
        if (call.closed) break;
        int r = conn_->receive(deadline, error);
        if (r == 1) error = "deadline";
        if (r != 0) break;
    }
    conn_->current = nullptr;
    if (!call.closed) {
        // A broken connection or a missed deadline: the stream's state is unknown, so the
        // connection goes (reconnecting to a local socket is cheap).
        bool deadline_hit = error == "deadline" || error == "write timed out";
        conn_.reset();
        if (deadline_hit)
            return {GrpcCode::deadline_exceeded, "no answer from " + socket_path_ + " in time"};
        if (call.http_status == 0) failure = Failure::broken;
        return {GrpcCode::unavailable, socket_path_ + ": " + error};
    }
    conn_->used = true;
    // Flush the stream's closing frames and window updates; drop a connection the runtime is
    // closing.
    if (!conn_->flush(deadline, error) || conn_->goaway ||
        (!nghttp2_session_want_read(conn_->session) && !nghttp2_session_want_write(conn_->session)))
        conn_.reset();

    if (call.too_large)
        return {GrpcCode::resource_exhausted,
                "response larger than " + std::to_string(kMaxResponseBytes) + " bytes"};
    if (call.grpc_status < 0) {
        if (call.http_status != 0 && call.http_status != 200)
            return {code_of_http_status(call.http_status),
                    "HTTP status " + std::to_string(call.http_status)};
        if (call.reset_code == NGHTTP2_REFUSED_STREAM) {
            failure = Failure::refused;
            return {GrpcCode::unavailable, "stream refused"};
        }
        if (call.reset_code == NGHTTP2_CANCEL) return {GrpcCode::cancelled, "stream cancelled"};
        if (call.reset_code != 0)
            return {GrpcCode::internal,
                    "stream reset (HTTP/2 error " + std::to_string(call.reset_code) + ")"};
        return {GrpcCode::unknown, "response without grpc-status"};
    }
    if (call.grpc_status != 0)
        return {static_cast<GrpcCode>(call.grpc_status), std::move(call.grpc_message)};
    const std::string& d = call.data;
    if (d.size() < 5) return {GrpcCode::internal, "no response message"};
    if (d[0] != 0) return {GrpcCode::internal, "compressed response (none was offered)"};
    size_t msg_len = 0;
    for (int i = 1; i <= 4; ++i) msg_len = (msg_len << 8) | static_cast<uint8_t>(d[i]);
    if (d.size() != 5 + msg_len)
        return {GrpcCode::internal, "response is not one length-prefixed message"};
    response.assign(d, 5, msg_len);
    return {};
}

}  // namespace sensor::container
