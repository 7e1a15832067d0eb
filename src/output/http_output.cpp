#include "sensor/output/http_output.h"

#include <unistd.h>

#include "sensor/ops/optional_module.h"

namespace sensor::output {

std::string http_options_problem(const HttpOptions& opts) {
    if (opts.url.empty()) return "http_output.url is empty";
    if (opts.url.rfind("http://", 0) != 0 && opts.url.rfind("https://", 0) != 0)
        return "http_output.url must start with http:// or https://: " + opts.url;
    if (opts.timeout_ms <= 0) return "http_output.timeout_ms must be positive";
    for (const std::string* f : {&opts.ca_cert, &opts.ca_bundle})
        if (!f->empty() && access(f->c_str(), R_OK) != 0)
            return "http_output: cannot read CA file " + *f;
    if (!opts.ca_path.empty() && access(opts.ca_path.c_str(), R_OK | X_OK) != 0)
        return "http_output: cannot read CA directory " + opts.ca_path;
    if (opts.mtls)
        for (const std::string* f : {&opts.client_cert, &opts.client_key})
            if (f->empty() || access(f->c_str(), R_OK) != 0)
                return "http_output: mtls needs a readable client_cert and client_key (" + *f + ")";
    return "";
}

std::unique_ptr<Sink> make_http_sink(const HttpOptions& opts, std::string& error) {
    auto create = reinterpret_cast<decltype(&sensor_http_sink_create)>(
        ops::module_symbol("sensor-http.so", "sensor_http_sink_create", error));
    if (!create) return nullptr;
    return std::unique_ptr<Sink>(create(&opts));
}

}  // namespace sensor::output
