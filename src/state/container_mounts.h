#pragma once
// A container's mounts as Falco's container plugin shows them: one "source:dest:mode:rdwr:
// propagation" text per mount, the list joined by commas, and lookups by index or by a
// pattern over the sources (or, for container.mount.source, the destinations).
#include <string>
#include <string_view>
#include <vector>

#include "sensor/state/records.h"

namespace sensor::state {

// A mount with its text computed once.
ContainerMount make_container_mount(std::string source, std::string dest, std::string mode,
                                    bool rdwr, std::string propagation);

// container.mounts: the mounts' texts, comma-separated.
std::string render_mounts(const std::vector<ContainerMount>& mounts);

// The reverse, for replay fixtures that give container.mounts as text ("" parses to none).
std::vector<ContainerMount> parse_mounts(std::string_view text);

// The plugin matches the argument as a regular expression found anywhere in the path; false
// with the reason when pattern is not one.
bool valid_mount_pattern(const std::string& pattern, std::string& error);

// The first mount whose source (dest when by_dest) the pattern is found in, or nullptr. The
// answer is remembered in the container (mount_matches), so only a container's first lookup
// of a pattern compiles and runs the expression; later ones compare strings and allocate
// nothing.
const ContainerMount* find_mount(const ContainerInfo& c, std::string_view pattern, bool by_dest);

}  // namespace sensor::state
