#include "sensor/audit_ingest/webhook_session.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sensor::audit_ingest {
namespace {

using Clock = Stream::Clock;
using Io = Stream::Io;

constexpr size_t kMaxHead = 16 * 1024;         // request line + headers
constexpr size_t kMaxChunkLine = 1024;         // a chunk-size line, a trailer line
constexpr uint64_t kDiscardLimit = 64 * 1024;  // a rejected request's body read to keep alive
constexpr size_t kReadSize = 64 * 1024;

Clock::time_point after_ms(uint32_t ms) {
    return Clock::now() + std::chrono::milliseconds(ms);
}

const char* reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 429:
            return "Too Many Requests";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
    }
}

std::string response(int status, bool keep_alive) {
    std::string body = status == 200 ? "" : std::string(reason(status)) + "\n";
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
    if (status == 405) r += "Allow: POST\r\n";
    if (status == 401) r += "WWW-Authenticate: Bearer\r\n";
    if (status == 429 || status == 503) r += "Retry-After: 1\r\n";
    r += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!keep_alive) r += "Connection: close\r\n";
    return r + "\r\n" + body;
}

bool is_json(const std::string* content_type) {
    if (content_type == nullptr) return false;
    std::string v = *content_type;
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v.find("application/json") != std::string::npos;
}

}  // namespace

void WebhookSession::run() {
    Io io = stream_->handshake(after_ms(sh_.cfg.header_timeout_ms));
    if (io == Io::Timeout) ++sh_.counters.timeouts;
    if (io == Io::Error) ++sh_.counters.rejected_tls;
    if (io != Io::Ok) return;
    for (bool first = true;; first = false) {
        Next next = serve_one(first);
        if (next == Next::Close) linger();
        if (next != Next::KeepServing) return;
    }
}

WebhookSession::Next WebhookSession::serve_one(bool first) {
    RequestHead head;
    if (Next n = read_head(head, first); n != Next::KeepServing) return n;
    ++sh_.counters.requests;
    if (int status = screen(head); status != 0) return reject(head, status);
    if (head.expect_continue && stream_->write_all("HTTP/1.1 100 Continue\r\n\r\n",
                                                   after_ms(sh_.cfg.body_timeout_ms)) != Io::Ok)
        return Next::CloseNow;
    std::string body;
    if (Body b = read_body(head, body); b != Body::Ok) return body_failed(b);
    // An idle kept-alive connection should not hold on to the capacity of its last batch.
    if (buf_.capacity() > 16 * kReadSize) buf_.shrink_to_fit();
    return deliver(head, body);
}

WebhookSession::Next WebhookSession::read_head(RequestHead& head, bool first) {
    // A new connection must speak at once; a kept-alive one may idle between requests.
    auto deadline = after_ms(first ? sh_.cfg.header_timeout_ms : sh_.cfg.idle_timeout_ms);
    bool started = false;
    for (;;) {
        while (buf_.starts_with("\r\n")) buf_.erase(0, 2);  // tolerated between requests
        if (!started && !buf_.empty()) {
            started = true;
            deadline = after_ms(sh_.cfg.header_timeout_ms);
        }
        size_t end = buf_.find("\r\n\r\n");
        if (end != std::string::npos) {
            std::string why;
            bool ok = parse_request_head(std::string_view(buf_).substr(0, end), head, why);
            buf_.erase(0, end + 4);
            if (ok) return Next::KeepServing;
            ++sh_.counters.rejected_bad_request;
            respond(400, false);
            return Next::Close;
        }
        if (buf_.size() > kMaxHead) {
            ++sh_.counters.rejected_bad_request;
            respond(400, false);
            return Next::Close;
        }
        Io io = stream_->read_some(buf_, kReadSize, deadline);
        if (io == Io::Timeout && started) ++sh_.counters.timeouts;
        if (io == Io::Eof && started) ++sh_.counters.rejected_bad_request;
        if (io != Io::Ok) return Next::CloseNow;
    }
}

// The answer a request gets before its body is read; 0 when it may be read and queued.
int WebhookSession::screen(const RequestHead& head) {
    InputCounters& c = sh_.counters;
    if (head.path != sh_.path) return ++c.rejected_path, 404;
    if (!sh_.token.empty() && !bearer_token_matches(head.header("authorization"), sh_.token))
        return ++c.rejected_auth, 401;
    if (head.method != "POST") return ++c.rejected_method, 405;
    bool allowed = conn_rate_.take();
    if (allowed) {
        std::lock_guard lock(sh_.rate_mu);
        allowed = sh_.global_rate.take();
    }
    if (!allowed) return ++c.rate_limited, 429;
    if (!is_json(head.header("content-type"))) return ++c.rejected_content_type, 400;
    if (!head.chunked && !head.has_length) return ++c.rejected_length_required, 411;
    if (head.has_length && head.content_length > sh_.cfg.webhook_max_batch_size)
        return ++c.rejected_too_large, 400;
    return 0;
}

WebhookSession::Next WebhookSession::reject(const RequestHead& head, int status) {
    // A small body is read and dropped so that the connection stays usable; a big (over the
    // limit: refused for that), chunked or not yet sent (Expect: 100-continue) one is not
    // waited for.
    bool discard = !head.chunked && !head.expect_continue &&
                   head.content_length <= std::min(kDiscardLimit, sh_.cfg.webhook_max_batch_size);
    bool keep = discard && head.keep_alive;
    if (!respond(status, keep)) return Next::CloseNow;
    if (!keep) return discard ? Next::CloseNow : Next::Close;
    std::string dropped;
    Body b = read_fixed(head.content_length, dropped, after_ms(sh_.cfg.body_timeout_ms));
    return b == Body::Ok ? Next::KeepServing : Next::CloseNow;
}

WebhookSession::Body WebhookSession::read_body(const RequestHead& head, std::string& body) {
    auto deadline = after_ms(sh_.cfg.body_timeout_ms);
    if (head.chunked) return read_chunked(body, deadline);
    return read_fixed(head.content_length, body, deadline);
}

WebhookSession::Body WebhookSession::fill(size_t need, Clock::time_point deadline) {
    buf_.reserve(need);
    while (buf_.size() < need) {
        switch (stream_->read_some(buf_, kReadSize, deadline)) {
            case Io::Ok:
                break;
            case Io::Timeout:
                return Body::Timeout;
            case Io::Stopped:
                return Body::Stopped;
            default:
                return Body::Truncated;
        }
    }
    return Body::Ok;
}

WebhookSession::Body WebhookSession::read_fixed(uint64_t length, std::string& body,
                                                Clock::time_point deadline) {
    if (Body b = fill(length, deadline); b != Body::Ok) return b;
    if (buf_.size() == length) {  // the usual case: no copy of a batch of megabytes
        body.swap(buf_);
        buf_ = std::string();
    } else {
        body.assign(buf_, 0, length);
        buf_.erase(0, length);
    }
    return Body::Ok;
}

WebhookSession::Body WebhookSession::read_line(std::string& line, Clock::time_point deadline) {
    size_t eol;
    while ((eol = buf_.find("\r\n")) == std::string::npos) {
        if (buf_.size() > kMaxChunkLine) return Body::Malformed;
        if (Body b = fill(buf_.size() + 1, deadline); b != Body::Ok) return b;
    }
    line.assign(buf_, 0, eol);
    buf_.erase(0, eol + 2);
    return Body::Ok;
}

WebhookSession::Body WebhookSession::read_chunked(std::string& body, Clock::time_point deadline) {
    const uint64_t max = sh_.cfg.webhook_max_batch_size;
    for (;;) {
        std::string line;
        if (Body b = read_line(line, deadline); b != Body::Ok) return b;
        std::string_view hex = std::string_view(line).substr(0, line.find(';'));
        while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t')) hex.remove_suffix(1);
        uint64_t size = 0;
        auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
        if (hex.empty() || end != hex.data() + hex.size()) return Body::Malformed;
        if (ec == std::errc::result_out_of_range || size > max - body.size()) return Body::TooLarge;
        if (size == 0) break;
        if (Body b = fill(size + 2, deadline); b != Body::Ok) return b;
        if (buf_.compare(size, 2, "\r\n") != 0) return Body::Malformed;
        body.append(buf_, 0, size);
        buf_.erase(0, size + 2);
    }
    for (std::string trailer;;) {  // trailers are read and ignored
        if (Body b = read_line(trailer, deadline); b != Body::Ok) return b;
        if (trailer.empty()) return Body::Ok;
    }
}

WebhookSession::Next WebhookSession::body_failed(Body b) {
    InputCounters& c = sh_.counters;
    switch (b) {
        case Body::TooLarge:
            ++c.rejected_too_large;
            break;
        case Body::Malformed:
            ++c.rejected_bad_request;
            break;
        case Body::Truncated:
            ++c.truncated_bodies;
            ++c.rejected_bad_request;
            return Next::CloseNow;  // the peer is gone: nobody to answer
        case Body::Timeout:
            ++c.timeouts;
            break;
        default:
            return Next::CloseNow;
    }
    respond(b == Body::Timeout ? 408 : 400, false);
    return Next::Close;
}

WebhookSession::Next WebhookSession::deliver(const RequestHead& head, std::string& body) {
    if (body.empty()) {
        ++sh_.counters.rejected_bad_request;
        return respond(400, head.keep_alive) && head.keep_alive ? Next::KeepServing
                                                                : Next::CloseNow;
    }
    size_t size = body.size();
    int status = 503;
    if (sh_.queue.try_push(body)) {
        ++sh_.counters.accepted;
        sh_.counters.bytes += size;
        status = 200;
    } else {
        ++sh_.counters.rejected_queue_full;
    }
    return respond(status, head.keep_alive) && head.keep_alive ? Next::KeepServing : Next::CloseNow;
}

bool WebhookSession::respond(int status, bool keep_alive) {
    return stream_->write_all(response(status, keep_alive), after_ms(sh_.cfg.body_timeout_ms)) ==
           Io::Ok;
}

void WebhookSession::linger() {
    stream_->shutdown_write();
    auto deadline = Clock::now() + std::chrono::milliseconds(500);
    for (size_t total = 0; total < (1u << 20);) {
        std::string sink;
        if (stream_->read_some(sink, kReadSize, deadline) != Io::Ok) return;
        total += sink.size();
    }
}

}  // namespace sensor::audit_ingest
