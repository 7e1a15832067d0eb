#pragma once
// File identity from the loaded rules: the absolute paths rules compare fd.name or fd.fspath
// with (`=`, `in`), resolved to (device, inode) on this host, so the probe knows those files
// under any other name (a hardlink) and fd.fspath shows the named path for them. Files created
// after a load are not known until the next reload; a container's files are other inodes.
#include <string>

#include "sensor/capture/probe_config.h"
#include "sensor/engine/ruleset.h"

namespace sensor::policy {

// root: where the host's filesystem is seen ("/" but for tests and a sensor in a container
// with the host mounted elsewhere).
capture::IdentitySet file_identity(const engine::Ruleset& rules, const std::string& root = "/");

}  // namespace sensor::policy
