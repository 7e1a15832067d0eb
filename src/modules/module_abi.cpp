// Every optional module's ABI tag, compiled into each by sensor_module() in CMakeLists.txt
// (see sensor/ops/optional_module.h).
#include "sensor/ops/optional_module.h"

extern "C" __attribute__((visibility("default"))) const char* sensor_module_abi() {
    return SENSOR_MODULE_ABI;
}
