// Entry points of sensor-http.so (see sensor/ops/optional_module.h).
#include "http_sink.h"
#include "sensor/ops/optional_module.h"

extern "C" __attribute__((visibility("default"))) const char* sensor_module_abi() {
    return SENSOR_MODULE_ABI;
}

extern "C" __attribute__((visibility("default"))) sensor::output::Sink* sensor_http_sink_create(
    const sensor::output::HttpOptions* opts) {
    return new sensor::output::HttpSink(*opts);
}
