#pragma once
// Linux capability names (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40) and the rendering of a
// capability mask as thread.cap_* show it: space-separated names in bit order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sensor::events {

inline constexpr int kCapLast = 40;

// Name of capability `bit`; empty when unknown.
std::string_view capability_name(int bit);
std::optional<int> capability_from_name(std::string_view name);

// Appends e.g. "CAP_CHOWN CAP_DAC_OVERRIDE" (nothing for an empty mask).
void append_capabilities(uint64_t mask, std::string& out);
std::string capabilities_to_string(uint64_t mask);

// Parses names separated by blanks, '|' or ','; nullopt on an unknown name.
std::optional<uint64_t> parse_capabilities(std::string_view text);

}  // namespace sensor::events
