#pragma once
// The falco.yaml keys the sensor accepts but that do not apply to it, each with why: the one
// table of them (docs/config.md lists the same keys; a unit test keeps the two in step).
// Such a key in the config is checked for its type and logged once at start, at info level.
#include <span>
#include <string_view>

namespace sensor::daemon {

enum class ValueKind { boolean, number, text, any };

struct NotApplicableKey {
    std::string_view key;
    ValueKind kind;
    std::string_view reason;
};

std::span<const NotApplicableKey> not_applicable_keys();
// The entry for key, or null.
const NotApplicableKey* find_not_applicable(std::string_view key);

}  // namespace sensor::daemon
