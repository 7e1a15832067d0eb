#pragma once
// RFC 3339 timestamps as the API server writes them (Go's RFC3339Nano: fraction optional,
// `Z` or a numeric offset), e.g. `2018-10-25T14:09:12.572676Z`.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sensor::k8saudit {

// ns since the epoch; nullopt when `s` is not such a timestamp (or before 1970).
std::optional<uint64_t> parse_rfc3339_ns(std::string_view s);

}  // namespace sensor::k8saudit
