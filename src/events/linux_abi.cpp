// The named ABI values checked against the system headers they come from.
#include "sensor/events/linux_abi.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "sensor/events/open_flags.h"

namespace sensor::events::abi {

static_assert(kAtFdCwd == AT_FDCWD);
static_assert(kFDupFd == F_DUPFD);
static_assert(kFDupFdCloExec == F_DUPFD_CLOEXEC);
static_assert(kAfUnix == AF_UNIX && kAfInet == AF_INET && kAfInet6 == AF_INET6 &&
              kAfNetlink == AF_NETLINK);
static_assert(kSockStream == SOCK_STREAM && kSockDgram == SOCK_DGRAM && kSockRaw == SOCK_RAW);
static_assert((kSockTypeMask & (SOCK_CLOEXEC | SOCK_NONBLOCK)) == 0);
static_assert(kSockCloExec == SOCK_CLOEXEC);
static_assert(kIpProtoIcmp == IPPROTO_ICMP && kIpProtoTcp == IPPROTO_TCP &&
              kIpProtoUdp == IPPROTO_UDP && kIpProtoRaw == IPPROTO_RAW);
static_assert(kSIfMt == S_IFMT && kSIfDir == S_IFDIR && kSIfSock == S_IFSOCK &&
              kSIfIfo == S_IFIFO && kSIfReg == S_IFREG);
static_assert(oflags::kCloExec == O_CLOEXEC);

}  // namespace sensor::events::abi
