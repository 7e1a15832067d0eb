#pragma once
// The HTTP(S) output's options and its sink, which lives in the sensor-http.so module (libcurl
// and its TLS libraries are loaded only when http_output is enabled; see
// sensor/ops/optional_module.h). The sink POSTs one alert per request over a kept-alive
// connection. 2xx is delivered; a connection error, a timeout, 408, 425, 429 or a 5xx means
// the endpoint is unavailable (the alert is retried with back-off); any other status rejects
// that alert (counted as failed).
#include <cstdint>
#include <memory>
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
    // Falco's: echo prints each response body to stdout; compress_uploads asks the server for
    // a compressed transfer encoding (libcurl's CURLOPT_TRANSFER_ENCODING, as Falco sets it);
    // a timed-out POST is retried at once up to max_consecutive_timeouts times before the
    // endpoint counts as unavailable (then the back-off retries it, the alert is kept).
    bool echo = false;
    bool compress_uploads = false;
    uint32_t max_consecutive_timeouts = 5;
};

// "" when the options can work, else what is wrong (for start-up errors).
std::string http_options_problem(const HttpOptions& opts);

// The HTTP sink from the sensor-http.so module; nullptr with error when it cannot be loaded.
std::unique_ptr<Sink> make_http_sink(const HttpOptions& opts, std::string& error);

}  // namespace sensor::output

// The module's factory (C linkage so dlsym finds it by name).
extern "C" __attribute__((visibility("default"))) sensor::output::Sink* sensor_http_sink_create(
    const sensor::output::HttpOptions* opts);
