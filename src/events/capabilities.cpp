#include "sensor/events/capabilities.h"

#include <array>

namespace sensor::events {
namespace {

// Indexed by capability bit number (include/uapi/linux/capability.h).
constexpr std::array<std::string_view, kCapLast + 1> kNames{{
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
}};

bool is_sep(char c) {
    return c == ' ' || c == '\t' || c == '|' || c == ',';
}

}  // namespace

std::string_view capability_name(int bit) {
    if (bit < 0 || bit > kCapLast) return {};
    return kNames[static_cast<size_t>(bit)];
}

std::optional<int> capability_from_name(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return static_cast<int>(i);
    return std::nullopt;
}

void append_capabilities(uint64_t mask, std::string& out) {
    bool first = true;
    for (int bit = 0; bit <= kCapLast; ++bit) {
        if (!(mask & (uint64_t{1} << bit))) continue;
        if (!first) out += ' ';
        out += kNames[static_cast<size_t>(bit)];
        first = false;
    }
}

std::string capabilities_to_string(uint64_t mask) {
    std::string s;
    append_capabilities(mask, s);
    return s;
}

std::optional<uint64_t> parse_capabilities(std::string_view text) {
    uint64_t mask = 0;
    size_t i = 0;
    while (i < text.size()) {
        if (is_sep(text[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < text.size() && !is_sep(text[j])) ++j;
        auto bit = capability_from_name(text.substr(i, j - i));
        if (!bit) return std::nullopt;
        mask |= uint64_t{1} << *bit;
        i = j;
    }
    return mask;
}

}  // namespace sensor::events
