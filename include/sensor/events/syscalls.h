#pragma once
// Syscall numbers of the architecture the sensor runs on, for the probe's in-kernel filter.
#include <cstdint>
#include <optional>
#include <string_view>

namespace sensor::events {

std::optional<uint32_t> syscall_number(std::string_view name);
// The name of a syscall number; empty when unknown.
std::string_view syscall_name(uint32_t nr);

}  // namespace sensor::events
