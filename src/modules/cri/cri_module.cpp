// Entry points of sensor-cri.so (see sensor/ops/optional_module.h).
#include "grpc_cri_client.h"
#include "sensor/ops/optional_module.h"

extern "C" __attribute__((visibility("default"))) const char* sensor_module_abi() {
    return SENSOR_MODULE_ABI;
}

extern "C" sensor::container::CriClient* sensor_cri_client_create(const char* socket_path,
                                                                  long timeout_ms) {
    return new sensor::container::GrpcCriClient(socket_path, std::chrono::milliseconds(timeout_ms));
}
