#pragma once
// Unary gRPC calls over HTTP/2 on a unix socket, which is all a CRI client needs. nghttp2 does
// the HTTP/2 framing, HPACK and flow control; this adds the gRPC envelope (a 5-byte length
// prefix), the request headers, and the status from the response headers or trailers. It
// replaces gRPC's C++ library, whose 50-odd libraries and own threads cost the sensor about
// 6 MB of RSS for four read-only calls (docs/performance.md).
//
// One connection, opened on the first call and kept; a call that finds it broken reconnects
// once. Not thread-safe: the sensor makes CRI calls from its metadata thread only.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sensor::container {

// gRPC status codes the client tells apart (numbers from the gRPC protocol).
enum class GrpcCode : int {
    ok = 0,
    cancelled = 1,
    unknown = 2,
    deadline_exceeded = 4,
    permission_denied = 7,
    resource_exhausted = 8,
    unimplemented = 12,
    internal = 13,
    unavailable = 14,
    unauthenticated = 16,
};

struct GrpcStatus {
    GrpcCode code = GrpcCode::ok;
    std::string message;
    bool ok() const { return code == GrpcCode::ok; }
    // "14 connect: No such file or directory": the number, then the message.
    std::string text() const;
};

class GrpcUnaryChannel {
  public:
    // Responses above this are refused (gRPC's own default receive limit).
    static constexpr size_t kMaxResponseBytes = 4 << 20;

    explicit GrpcUnaryChannel(std::string socket_path);
    ~GrpcUnaryChannel();
    GrpcUnaryChannel(const GrpcUnaryChannel&) = delete;
    GrpcUnaryChannel& operator=(const GrpcUnaryChannel&) = delete;

    // Calls method ("/package.Service/Method") with a serialized request; on ok, response
    // holds the serialized reply. Returns within about timeout: past it the call is cancelled
    // and the result is deadline_exceeded.
    GrpcStatus call(std::string_view method, std::string_view request, std::string& response,
                    std::chrono::milliseconds timeout);

    const std::string& socket_path() const { return socket_path_; }

  private:
    struct Connection;
    // How a call failed, for the retry decision: broken (the connection failed before any
    // response; on a reused connection that is usually a stale socket) or refused (the runtime
    // refused the stream, so it did not process the request).
    enum class Failure { none, broken, refused };
    GrpcStatus call_once(std::string_view method, std::string_view request, std::string& response,
                         std::chrono::steady_clock::time_point deadline, Failure& failure);

    std::string socket_path_;
    std::unique_ptr<Connection> conn_;
};

}  // namespace sensor::container
