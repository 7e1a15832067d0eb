#include "sensor/container/cri_client.h"

#include "sensor/ops/optional_module.h"

namespace sensor::container {

std::unique_ptr<CriClient> make_cri_client(const std::string& socket_path,
                                           std::chrono::milliseconds timeout, std::string& error) {
    auto create = reinterpret_cast<decltype(&sensor_cri_client_create)>(
        ops::module_symbol("sensor-cri.so", "sensor_cri_client_create", error));
    if (!create) return nullptr;
    return std::unique_ptr<CriClient>(create(socket_path.c_str(), timeout.count()));
}

}  // namespace sensor::container
