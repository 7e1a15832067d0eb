#pragma once
// Appends JSON tokens to a string without building a document: alerts are written straight
// into a reused buffer (the output path formats hundreds of thousands a second).
#include <cstdint>
#include <string>
#include <string_view>

namespace sensor::fields {

// A quoted JSON string. Control characters are escaped; bytes that are not valid UTF-8
// (attacker-chosen file names) become U+FFFD, so the line is always valid JSON.
void append_json_string(std::string& out, std::string_view s);
void append_json_uint(std::string& out, uint64_t v);
void append_json_int(std::string& out, int64_t v);

}  // namespace sensor::fields
