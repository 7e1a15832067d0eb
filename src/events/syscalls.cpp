#include "sensor/events/syscalls.h"

#include <unordered_map>
#include <utility>
#include <vector>

namespace sensor::events {
namespace {

struct Entry {
    const char* name;
    uint32_t nr;
};

#if defined(__x86_64__)
constexpr Entry kSyscalls[] = {
#include "syscall_numbers_x86_64.inc"
};
#else
#error "syscall numbers are only generated for x86_64 so far (tools/gen_syscall_names.sh)"
#endif

struct Tables {
    std::unordered_map<std::string_view, uint32_t> by_name;
    std::unordered_map<uint32_t, std::string_view> by_nr;
    Tables() {
        for (const auto& e : kSyscalls) {
            by_name.emplace(e.name, e.nr);
            by_nr.emplace(e.nr, e.name);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

std::optional<uint32_t> syscall_number(std::string_view name) {
    auto it = tables().by_name.find(name);
    if (it == tables().by_name.end()) return std::nullopt;
    return it->second;
}

std::string_view syscall_name(uint32_t nr) {
    auto it = tables().by_nr.find(nr);
    return it == tables().by_nr.end() ? std::string_view{} : it->second;
}

}  // namespace sensor::events
