// Entry points of sensor-http.so (see sensor/ops/optional_module.h); its ABI tag is
// in ../module_abi.cpp.
#include "http_sink.h"

extern "C" sensor::output::Sink* sensor_http_sink_create(const sensor::output::HttpOptions* opts) {
    return new sensor::output::HttpSink(*opts);
}
