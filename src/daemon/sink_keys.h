#pragma once
// The http_output.* and program_output.* config keys (falco.yaml names, plus
// http_output.timeout_ms).
#include <string>

#include "sensor/output/http_output.h"

namespace sensor::daemon {

struct HttpOutputConfig {
    bool enabled = false;
    output::HttpOptions options;
};

struct ProgramOutputConfig {
    bool enabled = false;
    bool keep_alive = false;
    std::string program;
};

enum class KeyResult { not_mine, ok, bad };

// Applies key=value when the key belongs to the section; bad with error naming the key.
KeyResult set_http_output_key(HttpOutputConfig& c, const std::string& key, const std::string& value,
                              std::string& error);
KeyResult set_program_output_key(ProgramOutputConfig& c, const std::string& key,
                                 const std::string& value, std::string& error);

}  // namespace sensor::daemon
