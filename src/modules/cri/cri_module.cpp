// Entry points of sensor-cri.so (see sensor/ops/optional_module.h); its ABI tag is
// in ../module_abi.cpp.
#include "cri_v1_client.h"

extern "C" sensor::container::CriClient* sensor_cri_client_create(const char* socket_path,
                                                                  long timeout_ms) {
    return new sensor::container::CriV1Client(socket_path, std::chrono::milliseconds(timeout_ms));
}
