#pragma once
// The inverse of param_format: the raw value whose rendering is a given text, for inputs that
// describe events in Falco's text form (replay fixtures). Found by rendering candidates, so the
// two can never disagree: a text parses only if append_param() gives it back unchanged.
#include <cstdint>
#include <optional>
#include <string_view>

#include "sensor/events/syscall_table.h"

namespace sensor::events {

std::optional<int64_t> parse_param(Fmt fmt, std::string_view text);

}  // namespace sensor::events
