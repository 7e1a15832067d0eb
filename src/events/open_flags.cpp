#include "sensor/events/open_flags.h"

#include <array>
#include <charconv>

namespace sensor::events::oflags {
namespace {

struct FlagName {
    std::string_view name;
    uint32_t bits;
};

// Rendering order follows Falco's flag table, so rendered strings match its output. The
// access mode (RDONLY/WRONLY/RDWR) is a 2-bit value, handled separately.
constexpr std::array<FlagName, 18> kFlags{{
    {"O_LARGEFILE", kLargeFile},
    {"O_DIRECTORY", kDirectory},
    {"O_DIRECT", kDirect},
    {"O_TRUNC", kTrunc},
    {"O_SYNC", kSyncBit},
    {"O_NONBLOCK", kNonBlock},
    {"O_EXCL", kExcl},
    {"O_DSYNC", kDsync},
    {"O_APPEND", kAppend},
    {"O_CREAT", kCreat},
    {"", 0},  // access mode goes here
    {"O_CLOEXEC", kCloExec},
    {"O_TMPFILE", kTmpFileBit},
    {"O_PATH", kPath},
    {"O_NOFOLLOW", kNoFollow},
    {"O_NOATIME", kNoAtime},
    {"O_NOCTTY", kNoCtty},
    {"O_F_CREATED", kFCreated},
}};

constexpr std::array<FlagName, 2> kLayerFlags{{
    {"FD_UPPER_LAYER", kFdUpperLayer},
    {"FD_LOWER_LAYER", kFdLowerLayer},
}};

std::string_view access_name(uint32_t flags) {
    switch (flags & kAccMode) {
        case kWrOnly:
            return "O_WRONLY";
        case kRdWr:
            return "O_RDWR";
        case kRdOnly:
            return "O_RDONLY";
        default:
            return "";  // 3 is not a valid access mode
    }
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<uint32_t> parse_number(std::string_view s) {
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    } else if (s.size() > 1 && s[0] == '0') {
        base = 8;
    }
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

void append_open_flags(uint32_t flags, std::string& out) {
    bool first = true;
    auto put = [&](std::string_view n) {
        if (!first) out += '|';
        out += n;
        first = false;
    };
    for (const auto& f : kFlags) {
        if (f.bits == 0) {
            std::string_view acc = access_name(flags);
            if (!acc.empty()) put(acc);
        } else if (flags & f.bits) {
            put(f.name);
        }
    }
    for (const auto& f : kLayerFlags)
        if (flags & f.bits) put(f.name);
}

std::string open_flags_to_string(uint32_t flags) {
    std::string s;
    append_open_flags(flags, s);
    return s;
}

std::optional<uint32_t> parse_open_flags(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    if (text[0] >= '0' && text[0] <= '9') return parse_number(text);
    uint32_t bits = 0;
    while (true) {
        size_t bar = text.find('|');
        std::string_view tok = trim(text.substr(0, bar));
        bool known = false;
        if (tok == "O_RDONLY" || tok == "O_NONE") {
            known = true;
        } else if (tok == "O_WRONLY") {
            bits |= kWrOnly, known = true;
        } else if (tok == "O_RDWR") {
            bits |= kRdWr, known = true;
        } else if (tok == "O_SYNC") {
            bits |= kSync, known = true;
        } else if (tok == "O_TMPFILE") {
            bits |= kTmpFile, known = true;
        } else if (tok == "O_NDELAY") {
            bits |= kNonBlock, known = true;
        } else {
            for (const auto& f : kFlags)
                if (f.bits != 0 && f.name == tok) bits |= f.bits, known = true;
            for (const auto& f : kLayerFlags)
                if (f.name == tok) bits |= f.bits, known = true;
        }
        if (!known) return std::nullopt;
        if (bar == std::string_view::npos) break;
        text.remove_prefix(bar + 1);
    }
    return bits;
}

}  // namespace sensor::events::oflags
