#pragma once
// Views of the probe's records (bpf/record.h) with their variable parts located and checked
// against the record's size. Nothing is copied: the views borrow the record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "record.h"
#include "sensor/events/syscall_table.h"

namespace sensor::state {
struct ProcessInfo;
}

namespace sensor::capture {

// The strings that follow a record's fixed part, without their NULs.
struct RecordStrings {
    std::string_view s[5];
    bool ok = true;  // every announced length fits in the record
};
RecordStrings split_strings(const void* record, size_t size, size_t fixed, const uint16_t* lens,
                            int count);

// A sensor_syscall_exit.
struct SyscallView {
    const sensor_syscall_exit* r = nullptr;
    uint64_t args[6] = {};                      // those the record carries; the rest 0
    const sensor_file_section* file = nullptr;  // a zeroed section when the record has none
    const sensor_sock_section* sock = nullptr;  // likewise
    RecordStrings str;
    // The path the process passed (string 0); the kernel's path of the new file or the fd
    // argument (string 1), unless the record carries the dirfd's path there instead
    // (SENSOR_FILE_DIRFD_PATH: an open whose file got no kernel path).
    std::string_view user_path, kernel_path, dirfd_path;
    // The file's path from its filesystem's root (fd.fspath): a suffix of kernel_path, or the
    // record's third string; empty when the probe gave none.
    std::string_view fs_path;
    std::string_view data;  // the I/O data after the strings (data_len bytes; may hold NULs)

    int64_t arg(int i) const { return static_cast<int64_t>(args[i]); }
};

// False when the record is shorter than what it announces.
bool parse_syscall(const void* record, size_t size, SyscallView& v);

// One call as a state handler is given it: the record, the syscall's table entry, the thread.
struct SyscallCall {
    const SyscallView& v;
    const events::SyscallEntry& e;
    state::ProcessInfo* proc;  // the calling thread; nullptr when unknown
    int64_t tid, pid;
    int64_t ret;

    // An argument named by the entry (an index in e.args): the caller checks it has one.
    int64_t arg(uint8_t index) const { return v.arg(index); }
    // The fd argument as the kernel reads it (an int).
    int32_t fd() const { return static_cast<int32_t>(v.arg(e.args.fd)); }
};

}  // namespace sensor::capture
