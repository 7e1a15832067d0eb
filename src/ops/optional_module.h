#pragma once
// Optional parts with heavy dependencies live in shared modules loaded only when they are
// used: sensor-http.so (libcurl, OpenSSL, GnuTLS and friends) for the HTTP output and
// sensor-cri.so (nghttp2, protobuf-lite) for container metadata. Linked into the binary, their
// libraries' pages would be resident in every sensor, configured or not (docs/architecture.md,
// "Optional modules").
//
// Modules are looked for in $SENSOR_MODULE_PATH (a ':'-separated list), then beside the
// binary: <bin>/../lib/sensor (installed layout) and <bin>/lib/sensor (build tree). A module
// from another build is refused (its ABI tag differs), never half-used.
#include <string>
#include <vector>

namespace sensor::ops {

// Every module exports `const char* sensor_module_abi()` returning this; bump the revision
// when a type crossing the boundary changes.
#define SENSOR_MODULE_ABI "sensor-" SENSOR_VERSION "-abi1"

// The directories searched, in order.
std::vector<std::string> module_search_dirs();

// The address of `symbol` in module `file` (e.g. "sensor-http.so"), loading the module on
// first use (it stays loaded). nullptr with error saying where it looked and what failed.
void* module_symbol(const std::string& file, const char* symbol, std::string& error);

// Where `file` was loaded from, or "" if it has not been.
std::string module_path(const std::string& file);

}  // namespace sensor::ops
