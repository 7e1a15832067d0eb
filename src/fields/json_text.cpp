#include "sensor/fields/json_text.h"

#include <charconv>
#include <cstring>

namespace sensor::fields {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 if invalid.
size_t utf8_sequence(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
    unsigned char c = b(i);
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(i + 1) || !cont(i + 2)) return 0;
        if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
        if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
        if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
        if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // beyond U+10FFFF
        return 4;
    }
    return 0;
}

// True when any of the 8 bytes in w is a control character, '"', '\\' or >= 0x80 (the
// classic "has a byte less than n / equal to c" bit tricks), so plain text is skipped a word
// at a time.
inline bool word_needs_care(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t below_space = (w - ones * 0x20) & ~w;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t quote = (q - ones) & ~q, backslash = (b - ones) & ~b;
    return ((below_space | quote | backslash) & highs) | (w & highs);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    size_t run = 0;  // start of the pending stretch that needs no escaping
    size_t i = 0;
    while (i < s.size()) {
        if (i + 8 <= s.size()) {
            uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (!word_needs_care(w)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence(s, i);
            if (n) {
                i += n;
                continue;
            }
        }
        out.append(s.data() + run, i - run);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c >= 0x80) {
                    out += kReplacement;
                } else {
                    char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
                    out.append(u, 6);
                }
        }
        ++i;
        run = i;
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_json_uint(std::string& out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void append_json_int(std::string& out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
}

}  // namespace sensor::fields
