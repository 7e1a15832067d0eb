#pragma once
// Path text helpers shared by the decoder (fd names) and fields (fs.path.*, evt.abspath).
#include <string>
#include <string_view>

namespace sensor::state {

// Collapses "//", "/./" and "/../" in an absolute path, in place (a relative one is made
// absolute from "/").
void normalize_path(std::string& p);

// Whether the path a call was given (raw) leads, taken lexically ("." and ".." applied, no
// symlink followed), to `opened`, the path of the file the kernel opened. A relative raw path
// is taken from base (the cwd, or the dirfd's directory); when that does not give `opened`
// (base unknown, or stale) a relative path without ".." still leads there when `opened` ends
// with it. scratch is working space (no allocation once warm).
bool raw_path_leads_to(std::string_view raw, std::string_view base, std::string_view opened,
                       std::string& scratch);

}  // namespace sensor::state
