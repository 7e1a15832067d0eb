// procfs text formats: proc(5).
#include "proc_parse.h"

#include <charconv>

namespace sensor::state::detail {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// The n-th (0-based) whitespace-separated token of s, or the last one when n is -1.
std::string_view token(std::string_view s, int n) {
    std::string_view last;
    int i = 0;
    while (!s.empty()) {
        size_t b = s.find_first_not_of(" \t");
        if (b == std::string_view::npos) break;
        s.remove_prefix(b);
        size_t e = s.find_first_of(" \t");
        std::string_view tok = s.substr(0, e);
        if (i++ == n) return tok;
        last = tok;
        s = e == std::string_view::npos ? std::string_view{} : s.substr(e);
    }
    return n < 0 ? last : std::string_view{};
}

template <typename T>
bool parse_num(std::string_view s, T& v, int base = 10) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

bool parse_status(std::string_view text, StatusFields& out) {
    bool have_tgid = false;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view key = line.substr(0, colon);
        std::string_view val = trim(line.substr(colon + 1));
        if (key == "Pid") {
            parse_num(val, out.tid);
        } else if (key == "Tgid") {
            have_tgid = parse_num(val, out.tgid);
        } else if (key == "PPid") {
            parse_num(val, out.ppid);
        } else if (key == "Uid") {
            parse_num(token(val, 1), out.uid);
        } else if (key == "Gid") {
            parse_num(token(val, 1), out.gid);
        } else if (key == "CapInh") {
            parse_num(val, out.cap_inheritable, 16);
        } else if (key == "CapPrm") {
            parse_num(val, out.cap_permitted, 16);
        } else if (key == "CapEff") {
            parse_num(val, out.cap_effective, 16);
        } else if (key == "NSpid") {
            parse_num(token(val, -1), out.vtid);
        } else if (key == "NStgid") {
            parse_num(token(val, -1), out.vpid);
        } else if (key == "NSpgid") {
            parse_num(token(val, -1), out.vpgid);
        }
    }
    return have_tgid;
}

bool parse_stat(std::string_view text, StatFields& out) {
    size_t close = text.rfind(')');
    if (close == std::string_view::npos) return false;
    std::string_view rest = text.substr(close + 1);
    // Fields after comm, counted from 0: state(3) ppid(4) pgrp(5) session(6) tty_nr(7) ...
    // starttime(22) in proc(5)'s numbering.
    std::string_view state = token(rest, 0);
    int32_t tty = 0;
    if (state.size() != 1 || !parse_num(token(rest, 1), out.ppid) ||
        !parse_num(token(rest, 2), out.pgrp) || !parse_num(token(rest, 3), out.session) ||
        !parse_num(token(rest, 4), tty) || !parse_num(token(rest, 19), out.start_ticks))
        return false;
    out.state = state[0];
    out.tty_nr = static_cast<uint32_t>(tty);
    return true;
}

bool parse_btime(std::string_view proc_stat, uint64_t& btime_s) {
    size_t p = proc_stat.find("\nbtime ");
    if (p == std::string_view::npos) return false;
    std::string_view line = proc_stat.substr(p + 7);
    return parse_num(trim(line.substr(0, line.find('\n'))), btime_s);
}

uint64_t boot_ticks_to_epoch_ns(uint64_t btime_s, uint64_t ticks, uint64_t hz) {
    constexpr uint64_t kNs = 1'000'000'000;
    if (hz == 0) return 0;
    return btime_s * kNs + ticks / hz * kNs + ticks % hz * kNs / hz;
}

}  // namespace sensor::state::detail
