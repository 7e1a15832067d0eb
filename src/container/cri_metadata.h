#pragma once
// Pure helpers that turn what a CRI runtime reports into Falco's container field values.
#include <string>
#include <string_view>
#include <vector>

#include "sensor/state/image_name.h"

namespace sensor::container {

// Image references are split by the state module (state::parse_image_name), which fixtures
// replayed without a runtime use too.
using state::ImageName;
using state::parse_image_name;

// The image id as Falco shows it: the first 12 hex digits of "sha256:<64 hex>" (or of a bare
// hex id); "" when ref is not an id.
std::string short_image_id(std::string_view ref);

struct MountSpec {
    std::string host_path;
    std::string container_path;
    bool readonly = false;
    int propagation = 0;  // CRI MountPropagation: 0 private, 1 host-to-container, 2 bidirectional
};

// container.mounts: "host:container:mode:rw:propagation" per mount, comma-separated, with
// rw "true"/"false" and propagation "private", "rslave" or "rshared"; mode is empty (CRI has
// none).
std::string render_mounts(const std::vector<MountSpec>& mounts);

// container.privileged from ContainerStatus' verbose "info" JSON: containerd nests the
// container config (config.linux.security_context.privileged), CRI-O has "privileged" at the
// top. -1 when neither is there or the JSON does not parse.
int privileged_from_info(std::string_view info_json);

}  // namespace sensor::container
