#include "sensor/events/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace sensor::events {

std::optional<IpAddr> IpAddr::parse(std::string_view s) {
    if (s.empty() || s.size() > 64) return std::nullopt;
    std::string buf(s);
    IpAddr a;
    if (inet_pton(AF_INET, buf.c_str(), a.bytes.data()) == 1) {
        a.family = 4;
        return a;
    }
    if (inet_pton(AF_INET6, buf.c_str(), a.bytes.data()) == 1) {
        a.family = 6;
        return a;
    }
    return std::nullopt;
}

IpAddr IpAddr::v4(uint32_t host_order) {
    IpAddr a;
    a.family = 4;
    a.bytes[0] = static_cast<uint8_t>(host_order >> 24);
    a.bytes[1] = static_cast<uint8_t>(host_order >> 16);
    a.bytes[2] = static_cast<uint8_t>(host_order >> 8);
    a.bytes[3] = static_cast<uint8_t>(host_order);
    return a;
}

std::string IpAddr::to_string() const {
    char out[INET6_ADDRSTRLEN] = {};
    if (family == 4)
        inet_ntop(AF_INET, bytes.data(), out, sizeof out);
    else if (family == 6)
        inet_ntop(AF_INET6, bytes.data(), out, sizeof out);
    return out;
}

std::optional<IpNet> IpNet::parse(std::string_view s) {
    auto slash = s.find('/');
    auto addr = IpAddr::parse(s.substr(0, slash));
    if (!addr) return std::nullopt;
    IpNet n;
    n.addr = *addr;
    unsigned max = addr->family == 4 ? 32 : 128;
    if (slash == std::string_view::npos) {
        n.prefix = static_cast<uint8_t>(max);
        return n;
    }
    auto p = s.substr(slash + 1);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || p.empty() || v > max)
        return std::nullopt;
    n.prefix = static_cast<uint8_t>(v);
    return n;
}

bool IpNet::contains(const IpAddr& a) const {
    if (a.family != addr.family) return false;
    unsigned full = prefix / 8, rest = prefix % 8;
    if (!std::equal(addr.bytes.begin(), addr.bytes.begin() + full, a.bytes.begin())) return false;
    if (rest == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (addr.bytes[full] & mask) == (a.bytes[full] & mask);
}

std::string IpNet::to_string() const {
    return addr.to_string() + "/" + std::to_string(prefix);
}

}  // namespace sensor::events
