#include "sensor/capture/record_view.h"

#include <cstring>

namespace sensor::capture {
namespace {

const sensor_file_section kNoFile{};
const sensor_sock_section kNoSock{};

// The section of type T at off, if the record holds it; off moves past it.
template <typename T>
bool take_section(const char* base, size_t size, size_t& off, const T*& out) {
    if (off + sizeof(T) > size) return false;
    out = reinterpret_cast<const T*>(base + off);
    off += sizeof(T);
    return true;
}

// fd.fspath from the file section: a suffix of the kernel path, or the string at off.
bool fs_path_of(const char* base, size_t size, size_t off, const sensor_file_section& file,
                std::string_view kernel_path, std::string_view& out) {
    out = {};
    if (file.fspath_len > 0) {
        if (off + file.fspath_len > size) return false;
        out = std::string_view(base + off, file.fspath_len - 1);  // without its NUL
    } else if (!kernel_path.empty() && !(file.file_flags & SENSOR_FILE_PATH_CUT)) {
        // At or past the end: the file is its filesystem's root.
        out = file.fspath_off < kernel_path.size() ? kernel_path.substr(file.fspath_off) : "/";
    }
    return true;
}

}  // namespace

RecordStrings split_strings(const void* record, size_t size, size_t fixed, const uint16_t* lens,
                            int count) {
    RecordStrings out;
    const char* p = static_cast<const char*>(record) + fixed;
    size_t left = size - fixed;
    for (int i = 0; i < count; ++i) {
        size_t n = lens[i];
        if (n > left) {
            out.ok = false;
            return out;
        }
        // Lengths include the NUL; argv lists are NUL-separated and end in one.
        std::string_view v(p, n);
        while (!v.empty() && v.back() == '\0') v.remove_suffix(1);
        out.s[i] = v;
        p += n;
        left -= n;
    }
    return out;
}

bool parse_syscall(const void* record, size_t size, SyscallView& v) {
    if (size < sizeof(sensor_syscall_exit)) return false;
    const char* base = static_cast<const char*>(record);
    v.r = static_cast<const sensor_syscall_exit*>(record);
    size_t off = sizeof(sensor_syscall_exit);
    size_t nargs = v.r->nargs;
    if (nargs > 6 || off + nargs * 8 > size) return false;
    std::memcpy(v.args, base + off, nargs * 8);
    off += nargs * 8;
    v.file = &kNoFile;
    v.sock = &kNoSock;
    switch (v.r->payload) {
        case SENSOR_PAY_NEW_FILE:
        case SENSOR_PAY_FD_FILE:
            if (!take_section(base, size, off, v.file)) return false;
            break;
        case SENSOR_PAY_SOCK_ARG0:
        case SENSOR_PAY_SOCK_RET:
            if (!take_section(base, size, off, v.sock)) return false;
            break;
        default:
            break;
    }
    v.str = split_strings(record, size, off, v.r->str_len, 2);
    size_t strings_end = off + v.r->str_len[0] + v.r->str_len[1];
    if (!fs_path_of(base, size, strings_end, *v.file, v.str.s[1], v.fs_path)) return false;
    size_t data_off = strings_end + v.file->fspath_len;
    if (data_off + v.r->data_len > size) return false;
    v.data = std::string_view(base + data_off, v.r->data_len);
    v.user_path = v.str.s[0];
    v.kernel_path = v.str.s[1];
    v.dirfd_path = {};
    if (v.file->file_flags & SENSOR_FILE_DIRFD_PATH) {  // the open's file got no kernel path
        v.dirfd_path = v.kernel_path;
        v.kernel_path = {};
        v.fs_path = {};
    }
    return v.str.ok;
}

}  // namespace sensor::capture
