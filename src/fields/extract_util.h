#pragma once
// Small helpers shared by the extractor files: setting a Value and reporting presence in one
// expression, so each extractor stays a one-liner where it can.
//
// Every extractor is a plain function with the ExtractFn signature, file-local and named after
// its field (proc.pid -> proc_pid); parameters it does not read are left unnamed. Each file
// ends with its field class's table: one {name, type, argument kind, description, extractor}
// entry per field, in the order `sensor --list` prints them.
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
inline bool put_f64(Value& out, double v) {
    out.f64 = v;
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

// A field with several candidate values (fd.ip: client, then server).
inline FieldDef any_of(FieldDef d) {
    d.any_of = true;
    return d;
}
inline FieldDef deprecated(FieldDef d) {
    d.deprecated = true;
    return d;
}

inline FieldDef list_of(FieldDef d) {
    d.list_valued = true;
    return d;
}
// The extractor of a field no event fills (not observed, or deprecated): always missing.
inline bool never_filled(const Event&, const FieldArg&, uint32_t, Value&, std::string&) {
    return false;
}

// A field that is not filled live here, and why (FieldDef::unavailable).
inline FieldDef unavailable(FieldDef d, const char* why) {
    d.unavailable = why;
    return d;
}

// Appends a field class's table to the registry.
template <size_t N>
void append_fields(std::vector<FieldDef>& out, const FieldDef (&table)[N]) {
    out.insert(out.end(), table, table + N);
}

}  // namespace sensor::fields::detail
