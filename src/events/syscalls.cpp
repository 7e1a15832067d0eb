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

// Both tables are compiled everywhere so each can be tested on any build machine; the host's
// architecture picks the one in use.
constexpr Entry kX86_64[] = {
#include "syscall_numbers_x86_64.inc"
};
constexpr Entry kArm64[] = {
#include "syscall_numbers_arm64.inc"
};

struct Tables {
    std::unordered_map<std::string_view, uint32_t> by_name;
    std::unordered_map<uint32_t, std::string_view> by_nr;
    template <size_t N>
    explicit Tables(const Entry (&entries)[N]) {
        for (const auto& e : entries) {
            by_name.emplace(e.name, e.nr);
            by_nr.emplace(e.nr, e.name);
        }
    }
};

const Tables& tables_for(SyscallArch arch) {
    static const Tables x86(kX86_64);
    static const Tables arm(kArm64);
    return arch == SyscallArch::Arm64 ? arm : x86;
}

const Tables& tables() {
#if defined(__aarch64__)
    return tables_for(SyscallArch::Arm64);
#elif defined(__x86_64__)
    return tables_for(SyscallArch::X86_64);
#else
#error "syscall numbers are generated for x86_64 and arm64 only (tools/gen_syscall_names.sh)"
#endif
}

}  // namespace

namespace {
std::optional<uint32_t> number_in(const Tables& t, std::string_view name) {
    auto it = t.by_name.find(name);
    if (it == t.by_name.end()) return std::nullopt;
    return it->second;
}
std::string_view name_in(const Tables& t, uint32_t nr) {
    auto it = t.by_nr.find(nr);
    return it == t.by_nr.end() ? std::string_view{} : it->second;
}
}  // namespace

std::optional<uint32_t> syscall_number(std::string_view name) {
    return number_in(tables(), name);
}
std::string_view syscall_name(uint32_t nr) {
    return name_in(tables(), nr);
}
std::optional<uint32_t> syscall_number(std::string_view name, SyscallArch arch) {
    return number_in(tables_for(arch), name);
}
std::string_view syscall_name(uint32_t nr, SyscallArch arch) {
    return name_in(tables_for(arch), nr);
}

}  // namespace sensor::events
