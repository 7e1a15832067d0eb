#pragma once
// The head of an HTTP/1.1 request as the webhook needs it: method, path, the headers that
// decide the answer, and how the body is framed.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sensor::audit_ingest {

struct RequestHead {
    std::string method;
    std::string target;  // as sent
    std::string path;    // the target without query (origin form, or taken from absolute form)
    bool http10 = false;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

    // Framing and connection handling, derived from the headers.
    bool keep_alive = true;
    bool chunked = false;
    bool has_length = false;
    uint64_t content_length = 0;
    bool expect_continue = false;

    // The first header of that (lower-case) name, or null.
    const std::string* header(std::string_view name) const;
};

// Parses the bytes before the blank line. False with `why` for a malformed head, including
// the framings a proxy could read differently (both lengths, several differing lengths).
bool parse_request_head(std::string_view head, RequestHead& out, std::string& why);

// True when `value` (an Authorization header, possibly null) is "Bearer <token>"; compares in
// time independent of where the two differ.
bool bearer_token_matches(const std::string* value, const std::string& token);

}  // namespace sensor::audit_ingest
