#pragma once
// Path text helpers shared by the decoder (fd names) and fields (fs.path.*, evt.abspath).
#include <string>

namespace sensor::state {

// Collapses "//", "/./" and "/../" in an absolute path, in place (a relative one is made
// absolute from "/").
void normalize_path(std::string& p);

}  // namespace sensor::state
