#pragma once
// Capture files (docs/capture.md): falco.yaml's capture.enabled, path_prefix, mode,
// default_duration and max_file_size_mb, our capture.pre_match_bytes, and `sensor run
// --capture FILE` (command line only).
#include <cstdint>
#include <string>

#include "sink_keys.h"

namespace sensor::daemon {

struct CaptureFileConfig {
    bool enabled = false;
    std::string path_prefix = "/tmp/falco";
    bool all_rules = false;               // mode: all_rules (else rules: `capture: true` only)
    uint64_t default_duration_ms = 5000;  // when the rule has no capture_duration
    uint64_t max_file_size_mb = 0;        // 0: no limit
    uint32_t pre_match_bytes = 1u << 20;  // recent records kept for a match's file; 0: none
    // --capture FILE [--capture-duration MS]: every record into FILE from the start.
    std::string record_all_path;
    uint64_t record_all_ms = 0;  // 0: until the sensor stops
};

KeyResult set_capture_file_key(CaptureFileConfig& c, const std::string& key,
                               const std::string& value, std::string& error);

}  // namespace sensor::daemon
