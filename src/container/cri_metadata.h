#pragma once
// Pure helpers that turn what a CRI runtime reports into Falco's container field values.
#include <string>
#include <string_view>

#include "sensor/state/image_name.h"

namespace sensor::container {

// Image references are split by the state module (state::parse_image_name), which fixtures
// replayed without a runtime use too.
using state::ImageName;
using state::parse_image_name;

// The image id as Falco shows it: the first 12 hex digits of "sha256:<64 hex>" (or of a bare
// hex id); "" when ref is not an id.
std::string short_image_id(std::string_view ref);

// A CRI MountPropagation as Falco shows it: "private", "rslave", "rshared", else "unknown".
const char* propagation_name(int propagation);

// container.cni.json from PodSandboxStatus' verbose "info" JSON, as Falco's libs made it:
// containerd's cniResult.Interfaces without "lo", the veth* host ends and each interface's Mac
// and Sandbox keys; CRI-O's io.kubernetes.cri-o.CNIResult annotation of the runtime spec. At
// most 4096 bytes; "" when neither is there or the JSON does not parse.
std::string cni_json_from_sandbox_info(std::string_view info_json);

// container.privileged from ContainerStatus' verbose "info" JSON: containerd nests the
// container config (config.linux.security_context.privileged), CRI-O has "privileged" at the
// top. -1 when neither is there or the JSON does not parse.
int privileged_from_info(std::string_view info_json);

}  // namespace sensor::container
