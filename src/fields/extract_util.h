#pragma once
// Small helpers shared by the extractor files: setting a Value and reporting presence in one
// expression, so each extractor stays a one-liner where it can.
#include <string>
#include <string_view>

#include "sensor/fields/registry.h"

namespace sensor::fields::detail {

inline bool put_str(Value& out, std::string_view s) {
    out.str = s;
    return true;
}
// Empty strings are missing values (Falco shows <NA> for unset metadata).
inline bool put_nonempty(Value& out, std::string_view s) {
    if (s.empty()) return false;
    out.str = s;
    return true;
}
inline bool put_i64(Value& out, int64_t v) {
    out.i64 = v;
    return true;
}
inline bool put_u64(Value& out, uint64_t v) {
    out.u64 = v;
    return true;
}
inline bool put_bool(Value& out, bool v) {
    out.b = v;
    return true;
}
// Computed strings live in the caller's scratch buffer.
inline bool put_scratch(Value& out, std::string& scratch) {
    out.str = scratch;
    return true;
}

// Appends an IP address without allocating (IpAddr::to_string returns a new string).
void append_ip(const IpAddr& a, std::string& out);

}  // namespace sensor::fields::detail

// The signature every extractor has; parameters a given extractor ignores are allowed to go
// unused (many fields read only `ev` and `out`).
#define SENSOR_EXTRACTOR                                                                    \
    []([[maybe_unused]] const ::sensor::fields::Event& ev,                                  \
       [[maybe_unused]] const ::sensor::fields::FieldArg& arg, [[maybe_unused]] uint32_t n, \
       [[maybe_unused]] ::sensor::fields::Value& out,                                       \
       [[maybe_unused]] std::string& scratch) -> bool

// A field with several candidate values (fd.ip: client, then server).
inline ::sensor::fields::FieldDef any_of(::sensor::fields::FieldDef d) {
    d.any_of = true;
    return d;
}
inline ::sensor::fields::FieldDef deprecated(::sensor::fields::FieldDef d) {
    d.deprecated = true;
    return d;
}
