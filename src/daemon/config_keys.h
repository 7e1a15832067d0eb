#pragma once
// The key dispatch of `sensor run`'s configuration. A scalar key (dotted, `a.b.c`) goes to each
// handler in kKeyHandlers (run_config.cpp) until one claims it; a key whose value is a list or
// map with structure of its own (rules, plugins, append_output, static_fields) goes to its
// node handler. To add keys: write `KeyResult set_xxx_key(RunConfig&, const Setting&)` in your
// module's file (returning not_mine for keys that are not its own), declare it here and add it
// to kKeyHandlers; keys accepted without effect go to config_not_applicable.cpp instead.
#include <limits>
#include <string>
#include <vector>

#include "sink_keys.h"

namespace sensor::daemon {

struct RunConfig;
struct ConfigNode;

// A comma list's items (a YAML list of scalars arrives as one); empty items dropped.
std::vector<std::string> split_list(const std::string& v);

// One key=value being applied: its error message when the value does not fit.
struct Setting {
    const std::string& key;
    const std::string& value;
    std::string& error;

    KeyResult bad(const char* expect) const {
        error = "config key '" + key + "' expects " + expect + ", got '" + value + "'";
        return KeyResult::bad;
    }
    KeyResult flag(bool& out) const;
    KeyResult text(std::string& out, const char* expect_nonempty = nullptr) const {
        if (expect_nonempty && value.empty()) return bad(expect_nonempty);
        out = value;
        return KeyResult::ok;
    }
    KeyResult number(uint64_t& out, uint64_t lo, uint64_t hi, const char* expect) const;
    template <typename T>
    KeyResult uint_in(T& out, T lo, T hi, const char* expect) const {
        uint64_t n = 0;
        KeyResult r = number(n, lo, hi, expect);
        if (r == KeyResult::ok) out = static_cast<T>(n);
        return r;
    }
};

using KeyHandler = KeyResult (*)(RunConfig&, const Setting&);

// Falco's engine.* and falco_libs.* keys (engine_keys.cpp).
KeyResult set_engine_key(RunConfig& c, const Setting& s);
// output_timeout, outputs_queue.capacity (Falco's 0), and the not-applicable keys' type checks.
KeyResult set_falco_output_key(RunConfig& c, const Setting& s);
KeyResult set_not_applicable_key(RunConfig& c, const Setting& s);
// After all keys: what depends on several of them (ring size from Falco's buffer preset).
void finish_engine_keys(RunConfig& c);

// Applies a map's keys under prefix (config_walk.cpp); false with error naming key and place.
bool walk_config(RunConfig& c, const ConfigNode& map, const std::string& prefix,
                 std::string& error);

}  // namespace sensor::daemon
