#pragma once
// systemd's readiness protocol without libsystemd: a datagram to $NOTIFY_SOCKET (the unit's
// Type=notify). Does nothing when the variable is unset (not under systemd).
#include <string>

namespace sensor::daemon {

// Sends state ("READY=1", "STOPPING=1", "STATUS=..."); false when it could not be sent.
bool sd_notify_state(const std::string& state);

}  // namespace sensor::daemon
