#pragma once
// One webhook connection: reads requests one after the other (keep-alive), screens each
// (path, token, method, rate, content type, size), reads the body and queues it. Answers 200
// only once the body is queued; a full queue is a 503 the API server's webhook retries.
#include "sensor/audit_ingest/audit_input.h"
#include "sensor/audit_ingest/http_request.h"
#include "sensor/audit_ingest/payload_queue.h"
#include "sensor/audit_ingest/token_bucket.h"
#include "sensor/ops/stream.h"

#include <memory>
#include <mutex>
#include <string>

namespace sensor::audit_ingest {

using Stream = ops::Stream;  // shared with the webserver (src/ops)

// What the connections of one webhook share.
struct WebhookShared {
    WebhookShared(const InputConfig& c, std::string p)
        : cfg(c), path(std::move(p)), queue(c.queue_payloads), global_rate(c.rate_limit_rps) {}

    InputConfig cfg;
    std::string path;
    std::string token;  // empty: no bearer token required
    InputCounters counters;
    PayloadQueue queue;
    std::mutex rate_mu;
    TokenBucket global_rate;  // under rate_mu
    int stop_fd = -1;         // readable once the input stops
};

class WebhookSession {
  public:
    WebhookSession(WebhookShared& shared, std::unique_ptr<Stream> stream)
        : sh_(shared), stream_(std::move(stream)), conn_rate_(shared.cfg.rate_limit_conn_rps) {}
    void run();

  private:
    enum class Next { KeepServing, Close, CloseNow };
    enum class Body { Ok, TooLarge, Malformed, Truncated, Timeout, Stopped };

    Next serve_one(bool first);
    Next read_head(RequestHead& head, bool first);
    int screen(const RequestHead& head);
    Next reject(const RequestHead& head, int status);
    Body read_body(const RequestHead& head, std::string& body);
    Body read_fixed(uint64_t length, std::string& body, Stream::Clock::time_point deadline);
    Body read_chunked(std::string& body, Stream::Clock::time_point deadline);
    Body fill(size_t need, Stream::Clock::time_point deadline);
    Body read_line(std::string& line, Stream::Clock::time_point deadline);
    Next body_failed(Body b);
    Next deliver(const RequestHead& head, std::string& body);
    bool respond(int status, bool keep_alive);
    // After an answer that leaves request bytes unread: let them arrive (briefly) before the
    // close, so that the peer reads the answer rather than a reset.
    void linger();

    WebhookShared& sh_;
    std::unique_ptr<Stream> stream_;
    TokenBucket conn_rate_;
    std::string buf_;  // received, not yet consumed
};

}  // namespace sensor::audit_ingest
