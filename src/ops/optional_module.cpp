#include "sensor/ops/optional_module.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace sensor::ops {
namespace {

struct Loaded {
    void* handle = nullptr;
    std::string path;
};

std::mutex& modules_mutex() {
    static std::mutex mu;
    return mu;
}

// Loaded modules by file name; never unloaded, since objects they made may outlive any owner.
std::map<std::string, Loaded>& loaded_modules() {
    static std::map<std::string, Loaded> modules;
    return modules;
}

std::string executable_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    std::string exe(buf, static_cast<size_t>(n));
    auto slash = exe.rfind('/');
    return slash == std::string::npos ? "." : exe.substr(0, slash);
}

}  // namespace

std::vector<std::string> module_search_dirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("SENSOR_MODULE_PATH"); env && *env) {
        std::string list = env;
        size_t start = 0;
        while (start <= list.size()) {
            size_t end = list.find(':', start);
            if (end == std::string::npos) end = list.size();
            if (end > start) dirs.push_back(list.substr(start, end - start));
            start = end + 1;
        }
        return dirs;
    }
    std::string bin = executable_dir();
    if (!bin.empty()) {
        dirs.push_back(bin + "/../lib/sensor");
        dirs.push_back(bin + "/lib/sensor");
    }
    return dirs;
}

void* module_symbol(const std::string& file, const char* symbol, std::string& error) {
    std::lock_guard lock(modules_mutex());
    auto& modules = loaded_modules();
    auto it = modules.find(file);
    if (it == modules.end()) {
        std::string tried;
        Loaded found;
        for (const std::string& dir : module_search_dirs()) {
            std::string path = dir + "/" + file;
            if (!tried.empty()) tried += "; ";
            if (access(path.c_str(), F_OK) != 0) {
                tried += path + " (absent)";
                continue;
            }
            void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!h) {
                tried += dlerror();
                continue;
            }
            using AbiFn = const char* (*)();
            auto abi = reinterpret_cast<AbiFn>(dlsym(h, "sensor_module_abi"));
            if (!abi || std::strcmp(abi(), SENSOR_MODULE_ABI) != 0) {
                tried += path + " (built for " + (abi ? abi() : "an unknown version") +
                         ", this binary needs " SENSOR_MODULE_ABI ")";
                dlclose(h);
                continue;
            }
            char real[PATH_MAX];
            found = {h, realpath(path.c_str(), real) ? std::string(real) : path};
            break;
        }
        if (!found.handle) {
            error = "module " + file + " not loaded: " + (tried.empty() ? "no directory" : tried);
            return nullptr;
        }
        it = modules.emplace(file, found).first;
    }
    void* sym = dlsym(it->second.handle, symbol);
    if (!sym) error = it->second.path + ": no symbol " + symbol;
    return sym;
}

std::string module_path(const std::string& file) {
    std::lock_guard lock(modules_mutex());
    auto it = loaded_modules().find(file);
    return it == loaded_modules().end() ? "" : it->second.path;
}

}  // namespace sensor::ops
