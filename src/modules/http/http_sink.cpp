#include "http_sink.h"

#include <curl/curl.h>

#include <mutex>

namespace sensor::output {
namespace {

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t discard_body(char*, size_t size, size_t n, void*) {
    return size * n;
}

bool retryable_status(long status) {
    return status == 408 || status == 425 || status == 429 || status >= 500;
}

}  // namespace

HttpSink::HttpSink(HttpOptions opts) : opts_(std::move(opts)) {
    global_init_once();
    CURL* c = curl_easy_init();
    curl_ = c;
    if (!c) return;
    curl_easy_setopt(c, CURLOPT_URL, opts_.url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, opts_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, opts_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(opts_.timeout_ms, 2000L));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // the output thread must not get SIGALRM
    // echo: libcurl's default writer prints the body to stdout.
    if (!opts_.echo) curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
    if (opts_.compress_uploads) curl_easy_setopt(c, CURLOPT_TRANSFER_ENCODING, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, opts_.keep_alive ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (opts_.insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!opts_.ca_cert.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts_.ca_cert.c_str());
    if (!opts_.ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts_.ca_bundle.c_str());
    if (!opts_.ca_path.empty()) curl_easy_setopt(c, CURLOPT_CAPATH, opts_.ca_path.c_str());
    if (opts_.mtls) {
        curl_easy_setopt(c, CURLOPT_SSLCERT, opts_.client_cert.c_str());
        curl_easy_setopt(c, CURLOPT_SSLKEY, opts_.client_key.c_str());
    }
    curl_slist* h = nullptr;
    h = curl_slist_append(
        h, opts_.json ? "Content-Type: application/json" : "Content-Type: text/plain");
    h = curl_slist_append(h, "Expect:");  // no 100-continue round trip per alert
    headers_ = h;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
}

HttpSink::~HttpSink() {
    curl_slist_free_all(static_cast<curl_slist*>(headers_));
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

WriteOutcome HttpSink::write(const Alert& alert) {
    CURL* c = static_cast<CURL*>(curl_);
    if (!c) {
        last_error = "libcurl could not be initialised";
        return WriteOutcome::unavailable;
    }
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, alert.line.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(alert.line.size()));
    CURLcode rc = curl_easy_perform(c);
    for (uint32_t retries = 0;
         rc == CURLE_OPERATION_TIMEDOUT && retries < opts_.max_consecutive_timeouts; ++retries)
        rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        last_error = std::string("POST ") + opts_.url + ": " + curl_easy_strerror(rc);
        return WriteOutcome::unavailable;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return WriteOutcome::written;
    last_error = "POST " + opts_.url + ": HTTP " + std::to_string(status);
    return retryable_status(status) ? WriteOutcome::unavailable : WriteOutcome::failed;
}

}  // namespace sensor::output
