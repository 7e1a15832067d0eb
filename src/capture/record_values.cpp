#include "sensor/capture/record_values.h"

#include "sensor/events/linux_abi.h"

namespace sensor::capture {
namespace {

namespace abi = events::abi;
using state::FdType;
using state::L4Proto;

struct ModeKind {
    uint32_t mode;
    FdType type;
};
constexpr ModeKind kModes[] = {
    {abi::kSIfDir, FdType::Directory},
    {abi::kSIfIfo, FdType::Pipe},
    {abi::kSIfSock, FdType::Unknown},  // typed by the socket's family
};

struct FamilyKind {
    int64_t family;
    FdType type;
};
constexpr FamilyKind kFamilies[] = {
    {abi::kAfUnix, FdType::Unix},
    {abi::kAfInet, FdType::Ipv4},
    {abi::kAfInet6, FdType::Ipv6},
    {abi::kAfNetlink, FdType::Netlink},
};

struct IpProto {
    uint32_t proto;
    L4Proto l4;
};
constexpr IpProto kIpProtos[] = {
    {abi::kIpProtoTcp, L4Proto::Tcp},
    {abi::kIpProtoUdp, L4Proto::Udp},
    {abi::kIpProtoIcmp, L4Proto::Icmp},
};

}  // namespace

FdType fd_type_of_mode(uint32_t mode) {
    for (const ModeKind& m : kModes)
        if ((mode & abi::kSIfMt) == m.mode) return m.type;
    return FdType::File;
}

uint32_t mode_of_fd_type(FdType type) {
    if (family_of_fd_type(type) != 0) return abi::kSIfSock;
    for (const ModeKind& m : kModes)
        if (m.type == type && type != FdType::Unknown) return m.mode;
    return abi::kSIfReg;
}

FdType fd_type_of_family(int64_t family) {
    for (const FamilyKind& f : kFamilies)
        if (f.family == family) return f.type;
    return FdType::Unknown;
}

uint16_t family_of_fd_type(FdType type) {
    for (const FamilyKind& f : kFamilies)
        if (f.type == type) return static_cast<uint16_t>(f.family);
    return 0;
}

L4Proto l4proto_of_ip_proto(uint32_t proto) {
    for (const IpProto& p : kIpProtos)
        if (p.proto == proto) return p.l4;
    return L4Proto::Raw;
}

uint16_t ip_proto_of_l4proto(L4Proto proto) {
    for (const IpProto& p : kIpProtos)
        if (p.l4 == proto) return static_cast<uint16_t>(p.proto);
    return abi::kIpProtoRaw;
}

std::string_view sockfamily_of(FdType type) {
    switch (type) {
        case FdType::Ipv4:
        case FdType::Ipv6:
            return "ip";
        case FdType::Unix:
            return "unix";
        default:
            return "";
    }
}

}  // namespace sensor::capture
