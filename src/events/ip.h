#pragma once
// IPv4/IPv6 addresses and networks as fd.* fields hold and compare them.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sensor::events {

struct IpAddr {
    uint8_t family = 0;               // 0 none, 4, 6
    std::array<uint8_t, 16> bytes{};  // v4 uses the first 4

    bool valid() const { return family != 0; }
    bool operator==(const IpAddr& o) const {
        if (family != o.family) return false;
        return family == 4 ? std::equal(bytes.begin(), bytes.begin() + 4, o.bytes.begin())
                           : bytes == o.bytes;
    }
    static std::optional<IpAddr> parse(std::string_view s);
    static IpAddr v4(uint32_t host_order);
    std::string to_string() const;
};

struct IpNet {
    IpAddr addr;
    uint8_t prefix = 0;
    // "10.0.0.0/8", "fd00::/8"; a bare address is a /32 or /128 network.
    static std::optional<IpNet> parse(std::string_view s);
    bool contains(const IpAddr& a) const;
    std::string to_string() const;
};

}  // namespace sensor::events
