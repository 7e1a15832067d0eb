#pragma once
// Linux errno names ("ENOENT" <-> 2), for evt.res and for fixtures.
#include <optional>
#include <string_view>

namespace sensor::events {

// Name of a positive errno value; empty when unknown.
std::string_view errno_name(long err);
std::optional<int> errno_from_name(std::string_view name);

}  // namespace sensor::events
