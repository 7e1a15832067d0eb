#pragma once
// libs' getopt(args, optstring) transformer: getopt(3)'s short-option scan over an argv list.
#include <array>
#include <cstdint>
#include <string_view>

#include "sensor/engine/operand.h"

namespace sensor::engine {

// Decodes an optstring: flags[c] has bit 1 for a valid option, bit 2 for one taking an argument.
// A leading ':' only changes getopt(3)'s error reporting, which the transformer does not expose.
void decode_optstring(std::string_view optstring, std::array<uint8_t, 256>& flags);

// Value n of a getopt operand: without a selector the list of options in order, each option
// followed by its argument (`?` for an unknown option, "" for a missing argument); with `[c]`
// the argument (or the option itself) of the last occurrence of -c, missing when absent.
bool get_getopt(const Operand& self, const fields::Event& ev, uint32_t n, fields::Value& out);

}  // namespace sensor::engine
