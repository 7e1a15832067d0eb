#pragma once
// What values in probe records mean to the fd table, read both ways: the decoder turns a
// record's file mode, address family and IP protocol into an fd's kind and layer-4 protocol;
// replay turns a fixture's fd back into the record values that decode to it. One table per
// mapping serves both directions, so the two cannot disagree.
#include <cstdint>
#include <string_view>

#include "sensor/state/records.h"

namespace sensor::capture {

// A file's kind from its mode (S_IFMT bits); sockets are typed by their family instead
// (Unknown). The inverse gives S_IFSOCK for a socket kind and S_IFREG for anything else.
state::FdType fd_type_of_mode(uint32_t mode);
uint32_t mode_of_fd_type(state::FdType type);

// A socket's kind from its address family (AF_*); Unknown for other families. The inverse
// gives 0 for a kind that is no socket family.
state::FdType fd_type_of_family(int64_t family);
uint16_t family_of_fd_type(state::FdType type);

// A connected socket's protocol from its IPPROTO_* (Raw for others), and back (IPPROTO_RAW
// for Raw and Unknown).
state::L4Proto l4proto_of_ip_proto(uint32_t proto);
uint16_t ip_proto_of_l4proto(state::L4Proto proto);

// fd.sockfamily of a socket kind: "ip", "unix", or "" (none).
std::string_view sockfamily_of(state::FdType type);

}  // namespace sensor::capture
