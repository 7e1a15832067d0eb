#pragma once
// open(2) flag bits as the kernel reports them, with Falco's text rendering
// ("O_WRONLY|O_CREAT|O_TRUNC") and its inverse. Fixtures parse the text; capture renders the
// raw bits, so both sides share one table.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sensor::events::oflags {

// Linux generic values; a few differ on arm64, where the kernel ABI moved them.
inline constexpr uint32_t kAccMode = 03;
inline constexpr uint32_t kRdOnly = 0;
inline constexpr uint32_t kWrOnly = 01;
inline constexpr uint32_t kRdWr = 02;
inline constexpr uint32_t kCreat = 0100;
inline constexpr uint32_t kExcl = 0200;
inline constexpr uint32_t kNoCtty = 0400;
inline constexpr uint32_t kTrunc = 01000;
inline constexpr uint32_t kAppend = 02000;
inline constexpr uint32_t kNonBlock = 04000;
inline constexpr uint32_t kDsync = 010000;
#if defined(__aarch64__)
inline constexpr uint32_t kDirectory = 040000;
inline constexpr uint32_t kNoFollow = 0100000;
inline constexpr uint32_t kDirect = 0200000;
inline constexpr uint32_t kLargeFile = 0400000;
#else
inline constexpr uint32_t kDirect = 040000;
inline constexpr uint32_t kLargeFile = 0100000;
inline constexpr uint32_t kDirectory = 0200000;
inline constexpr uint32_t kNoFollow = 0400000;
#endif
inline constexpr uint32_t kNoAtime = 01000000;
inline constexpr uint32_t kCloExec = 02000000;
inline constexpr uint32_t kSyncBit = 04000000;  // __O_SYNC; O_SYNC is this plus O_DSYNC
inline constexpr uint32_t kSync = kSyncBit | kDsync;
inline constexpr uint32_t kPath = 010000000;
inline constexpr uint32_t kTmpFileBit = 020000000;  // __O_TMPFILE
inline constexpr uint32_t kTmpFile = kTmpFileBit | kDirectory;
// Not open(2) bits: markers the sensor adds, rendered the way Falco does. High bits that the
// kernel does not use for open flags.
inline constexpr uint32_t kFCreated = 1u << 28;      // O_F_CREATED: the call created the file
inline constexpr uint32_t kFdUpperLayer = 1u << 29;  // FD_UPPER_LAYER (overlayfs)
inline constexpr uint32_t kFdLowerLayer = 1u << 30;  // FD_LOWER_LAYER (overlayfs)

// Appends Falco's rendering of `flags`, e.g. "O_TRUNC|O_CREAT|O_WRONLY|O_CLOEXEC".
void append_open_flags(uint32_t flags, std::string& out);
std::string open_flags_to_string(uint32_t flags);

// Parses "O_RDONLY|O_CLOEXEC" (names separated by '|', blanks allowed) or a decimal/0-octal/0x
// number. nullopt on an unknown name.
std::optional<uint32_t> parse_open_flags(std::string_view text);

inline bool opens_for_read(uint32_t f) {
    return (f & kAccMode) == kRdOnly || (f & kAccMode) == kRdWr;
}
inline bool opens_for_write(uint32_t f) {
    return (f & kAccMode) == kWrOnly || (f & kAccMode) == kRdWr;
}

}  // namespace sensor::events::oflags
