#include "sensor/k8saudit/rfc3339.h"

namespace sensor::k8saudit {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// The fraction after the seconds (".123456789", any length up to ns); `pos` moves past it.
bool fraction_ns(std::string_view s, size_t& pos, int64_t& ns) {
    ns = 0;
    if (pos >= s.size() || s[pos] != '.') return true;
    ++pos;
    int64_t scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        ns += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
    }
    return pos > start;
}

// `Z` or `±HH:MM`, as seconds east of UTC.
bool zone_offset(std::string_view s, size_t pos, int64_t& offset) {
    offset = 0;
    if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) return true;
    if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':') return false;
    int64_t h, m;
    if (!digits(s, pos + 1, 2, h) || !digits(s, pos + 4, 2, m) || h > 23 || m > 59) return false;
    offset = (h * 3600 + m * 60) * (s[pos] == '-' ? -1 : 1);
    return true;
}

}  // namespace

std::optional<uint64_t> parse_rfc3339_ns(std::string_view s) {
    int64_t y, mo, d, h, mi, sec, ns, off;
    if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, sec))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    size_t pos = 19;
    if (!fraction_ns(s, pos, ns) || !zone_offset(s, pos, off)) return std::nullopt;
    const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    if (secs < 0) return std::nullopt;
    return static_cast<uint64_t>(secs) * 1000000000ull + static_cast<uint64_t>(ns);
}

}  // namespace sensor::k8saudit
