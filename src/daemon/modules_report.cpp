#include "commands.h"
#include "sensor/fields/event_source.h"
#include "sensor/ops/optional_module.h"

namespace sensor::daemon {

std::string optional_modules_report() {
    std::string out;
    for (const char* file : {"sensor-http.so", "sensor-cri.so"}) {
        std::string error;
        if (!out.empty()) out += "\n";
        out += std::string("module ") + file + ": ";
        out +=
            ops::module_symbol(file, "sensor_module_abi", error) ? ops::module_path(file) : error;
    }
    return out;
}

std::string builtin_plugins_report() {
    std::string out;
    for (const fields::BuiltinPlugin& p : fields::builtin_plugins())
        out += "plugin " + std::string(p.name) + " " + std::string(p.version) + ": built in (" +
               std::string(p.provides) + ")\n";
    return out;
}

}  // namespace sensor::daemon
