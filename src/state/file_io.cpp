// Plain POSIX reads: /proc files report a size of 0, so they are read until EOF, never sized by
// stat; and O_CLOEXEC keeps the descriptors out of anything the sensor spawns.
#include "file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sensor::state::detail {

int read_file(const std::string& path, std::string& out, size_t cap) {
    out.clear();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    char buf[4096];
    int err = 0;
    while (out.size() < cap) {
        size_t want = std::min(sizeof(buf), cap - out.size());
        ssize_t n = ::read(fd, buf, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            break;
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return err;
}

int read_link(const std::string& path, std::string& out) {
    out.clear();
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
    if (n < 0) return errno;
    out.assign(buf, static_cast<size_t>(n));
    return 0;
}

}  // namespace sensor::state::detail
