#pragma once
// Syscall numbers of the architecture the sensor runs on, for the probe's in-kernel filter.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sensor::events {

std::optional<uint32_t> syscall_number(std::string_view name);
// The name of a syscall number; empty when unknown.
std::string_view syscall_name(uint32_t nr);

// The same for a given architecture (both tables are built everywhere, so both are tested).
enum class SyscallArch { X86_64, Arm64 };
std::optional<uint32_t> syscall_number(std::string_view name, SyscallArch arch);
std::string_view syscall_name(uint32_t nr, SyscallArch arch);

}  // namespace sensor::events
