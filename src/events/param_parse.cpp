#include "sensor/events/param_parse.h"

#include <charconv>
#include <string>

#include "sensor/events/open_flags.h"
#include "sensor/events/param_format.h"

namespace sensor::events {
namespace {

bool renders_as(Fmt fmt, int64_t v, std::string_view text) {
    std::string out;
    append_param(fmt, v, out);
    return out == text;
}

// The leading integer of "-2(ENOENT)", "0x1f", "0755" or "42", in the base the text shows.
std::optional<int64_t> leading_integer(std::string_view text) {
    int base = 10;
    std::string_view digits = text;
    bool negative = !digits.empty() && digits[0] == '-';
    if (negative) digits.remove_prefix(1);
    if (digits.starts_with("0x")) {
        base = 16;
        digits.remove_prefix(2);
    } else if (digits.size() > 1 && digits[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || end == digits.data()) return std::nullopt;
    return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

// "A|B|C" for formats that render each set bit by name.
std::optional<int64_t> parse_bits(Fmt fmt, std::string_view text) {
    if (renders_as(fmt, 0, text)) return 0;
    uint64_t v = 0;
    while (!text.empty()) {
        size_t bar = text.find('|');
        std::string_view token = text.substr(0, bar);
        bool found = false;
        for (int bit = 0; bit < 64 && !found; ++bit) {
            if (!renders_as(fmt, int64_t(uint64_t{1} << bit), token)) continue;
            v |= uint64_t{1} << bit;
            found = true;
        }
        if (!found) return std::nullopt;
        text = bar == std::string_view::npos ? std::string_view{} : text.substr(bar + 1);
    }
    return static_cast<int64_t>(v);
}

// A named constant (PTRACE_ATTACH, AF_INET, ...): every value up to the largest such constant.
std::optional<int64_t> parse_named(Fmt fmt, std::string_view text) {
    constexpr int64_t kLargestNamed = 0x4300;  // PTRACE_* requests end below this
    for (int64_t v = 0; v < kLargestNamed; ++v)
        if (renders_as(fmt, v, text)) return v;
    return std::nullopt;
}

}  // namespace

std::optional<int64_t> parse_param(Fmt fmt, std::string_view text) {
    std::optional<int64_t> v;
    switch (fmt) {
        case Fmt::OpenFlags:
            if (auto f = oflags::parse_open_flags(text)) v = *f;
            break;
        case Fmt::MemfdFlags:
        case Fmt::CloneFlags:
        case Fmt::Ns:
        case Fmt::Mode:
        case Fmt::UnlinkatFlags:
        case Fmt::LinkatFlags:
        case Fmt::Renameat2Flags:
        case Fmt::MountFlags:
        case Fmt::MmapProt:
        case Fmt::ModuleFlags:
            v = parse_bits(fmt, text);
            if (!v) v = leading_integer(text);  // no name applied: the number
            break;
        case Fmt::UpperHex: {
            uint64_t x = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x, 16);
            if (ec == std::errc() && end == text.data() + text.size()) v = static_cast<int64_t>(x);
            break;
        }
        case Fmt::PtraceReq:
        case Fmt::SockDomain:
        case Fmt::SockType:
        case Fmt::FcntlCmd:
        case Fmt::BpfCmd:
            v = leading_integer(text);
            if (!v || !renders_as(fmt, *v, text)) v = parse_named(fmt, text);
            break;
        case Fmt::Path:
        case Fmt::Tuple:
            return std::nullopt;
        default:
            v = leading_integer(text);
            break;
    }
    if (!v || (fmt != Fmt::OpenFlags && !renders_as(fmt, *v, text))) return std::nullopt;
    return v;
}

}  // namespace sensor::events
