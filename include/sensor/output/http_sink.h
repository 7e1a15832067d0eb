#pragma once
// Alerts POSTed one per request to an HTTP(S) endpoint (a falcosidekick-style webhook), over
// a kept-alive connection, through libcurl (TLS, proxies and HTTP/1.1 details are not worth
// writing by hand). 2xx is delivered; a connection error, a timeout, 408, 425, 429 or a 5xx
// means the endpoint is unavailable (the alert is retried with back-off); any other status
// rejects that alert (counted as failed).
#include <string>

#include "sensor/output/sink.h"

namespace sensor::output {

struct HttpOptions {
    std::string url;
    std::string user_agent = "sensor";
    bool json = true;  // Content-Type application/json, else text/plain
    bool keep_alive = true;
    long timeout_ms = 5000;  // whole request
    // TLS: the server is verified against the system CAs, or ca_cert / ca_bundle (files) /
    // ca_path (a c_rehash'ed directory); insecure skips verification. mtls presents
    // client_cert and client_key.
    bool insecure = false;
    std::string ca_cert, ca_bundle, ca_path;
    bool mtls = false;
    std::string client_cert, client_key;
};

class HttpSink : public Sink {
  public:
    explicit HttpSink(HttpOptions opts);
    ~HttpSink() override;
    HttpSink(const HttpSink&) = delete;
    HttpSink& operator=(const HttpSink&) = delete;
    const char* name() const override { return "http"; }
    WriteOutcome write(const Alert& alert) override;

  private:
    HttpOptions opts_;
    void* curl_ = nullptr;     // CURL*, kept so its connection is reused
    void* headers_ = nullptr;  // curl_slist*
};

// "" when the options can work, else what is wrong (for start-up errors).
std::string http_options_problem(const HttpOptions& opts);

}  // namespace sensor::output
