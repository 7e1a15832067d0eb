#pragma once
// Reading the audit event's JSON the way the k8saudit and json plugins do: member walks,
// RFC 6901 pointers, and values as field text (strings unquoted, anything else compact JSON).
#include <simdjson.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "sensor/fields/registry.h"

namespace sensor::k8saudit::json {

using simdjson::dom::element;

// The member `key` of object `e`; false when `e` is not an object or lacks it.
bool member(element e, std::string_view key, element& out);
// Walks members in order from `e`.
bool walk(element e, std::initializer_list<std::string_view> keys, element& out);

// `e` as field text: a string's bytes, else compact JSON (numbers and booleans without
// allocating). A JSON null is no value (false).
bool put_text(element e, fields::Value& out, std::string& scratch);
// Like put_text, but null yields "null" (the json plugin's jevt.value).
bool put_any(element e, fields::Value& out, std::string& scratch);
// A non-empty string member as a view; false for anything else.
bool put_string(element e, fields::Value& out);

// Compact JSON of any value, into `out` (replaced; its capacity is reused).
void compact(element e, std::string& out);
// Compact JSON of any value, as a view into a buffer of this thread that the next call
// replaces (simdjson::minify, without allocating a string per call).
std::string_view minified(element e);
// Indented JSON (two spaces), as jevt.obj prints the event.
void indented(element e, std::string& out);

// An RFC 6901 pointer ("" is the whole value, "/a/0/b~1c"); false when the path is missing.
bool pointer(element root, std::string_view ptr, element& out, std::string& token);
// Load-time syntax check of a pointer: empty or starting with '/', `~` only as `~0`/`~1`.
bool valid_pointer(std::string_view ptr, std::string& error);

}  // namespace sensor::k8saudit::json
