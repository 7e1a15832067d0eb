#pragma once
// Small-file reads for /proc and /etc: whole-file reads with a size cap, and readlink. Both
// report errno so callers can tell a vanished process (ENOENT, ESRCH) from a real failure.
#include <cstddef>
#include <string>

namespace sensor::state::detail {

// Reads up to cap bytes of path into out (cleared first). Returns 0 or an errno value.
int read_file(const std::string& path, std::string& out, size_t cap = 1 << 20);
// The target of a symlink into out. Returns 0 or an errno value.
int read_link(const std::string& path, std::string& out);

// True for the errors that mean "the process went away while we looked".
inline bool is_vanished_errno(int err) {
    return err == 2 /*ENOENT*/ || err == 3 /*ESRCH*/;
}

}  // namespace sensor::state::detail
