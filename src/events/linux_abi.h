#pragma once
// Linux ABI values the decoder interprets in syscall arguments and file status, named after
// their system header macros (the same on x86_64 and arm64; linux_abi.cpp checks each against
// <fcntl.h>, <sys/socket.h>, <netinet/in.h> and <sys/stat.h>). Open flags are in open_flags.h.
#include <cstdint>

namespace sensor::events::abi {

// <fcntl.h>
inline constexpr int32_t kAtFdCwd = -100;        // AT_FDCWD
inline constexpr int64_t kFDupFd = 0;            // F_DUPFD
inline constexpr int64_t kFDupFdCloExec = 1030;  // F_DUPFD_CLOEXEC

// <sys/socket.h>
inline constexpr int64_t kAfUnix = 1;      // AF_UNIX
inline constexpr int64_t kAfInet = 2;      // AF_INET
inline constexpr int64_t kAfInet6 = 10;    // AF_INET6
inline constexpr int64_t kAfNetlink = 16;  // AF_NETLINK
inline constexpr int64_t kSockStream = 1;  // SOCK_STREAM
inline constexpr int64_t kSockDgram = 2;   // SOCK_DGRAM
inline constexpr int64_t kSockRaw = 3;     // SOCK_RAW
// The type bits of socket()'s type argument; the rest are SOCK_NONBLOCK and SOCK_CLOEXEC
// (the kernel's SOCK_TYPE_MASK, linux/net.h, which no user space header has).
inline constexpr int64_t kSockTypeMask = 0xf;
inline constexpr int64_t kSockCloExec = 02000000;  // SOCK_CLOEXEC

// <netinet/in.h>
inline constexpr uint32_t kIpProtoIcmp = 1;   // IPPROTO_ICMP
inline constexpr uint32_t kIpProtoTcp = 6;    // IPPROTO_TCP
inline constexpr uint32_t kIpProtoUdp = 17;   // IPPROTO_UDP
inline constexpr uint32_t kIpProtoRaw = 255;  // IPPROTO_RAW

// <sys/stat.h>
inline constexpr uint32_t kSIfMt = 0170000;    // S_IFMT
inline constexpr uint32_t kSIfDir = 0040000;   // S_IFDIR
inline constexpr uint32_t kSIfSock = 0140000;  // S_IFSOCK
inline constexpr uint32_t kSIfIfo = 0010000;   // S_IFIFO
inline constexpr uint32_t kSIfReg = 0100000;   // S_IFREG

}  // namespace sensor::events::abi
