#pragma once
// Renders raw syscall values the way Falco prints event parameters (evt.arg.NAME).
#include <cstdint>
#include <string>
#include <string_view>

#include "sensor/events/syscall_table.h"

namespace sensor::events {

// Appends v rendered as fmt to out (numbers only; strings and tuples are the decoder's).
void append_param(Fmt fmt, int64_t v, std::string& out);

// Falco's parameter type name for a format (--list-events): "fd", "errno", "fspath"...
std::string_view param_type_name(Fmt fmt);

std::string_view ptrace_request_name(int64_t request);  // "" when unknown
std::string_view socket_domain_name(int64_t domain);

}  // namespace sensor::events
