#pragma once
// Parsers for the text of /proc/<pid>/{status,stat} and /proc/stat. Pure functions on strings
// so the formats are tested without a procfs.
#include <cstdint>
#include <string_view>

namespace sensor::state::detail {

struct StatusFields {
    int64_t tid = -1;   // Pid:
    int64_t tgid = -1;  // Tgid:
    int64_t ppid = -1;  // PPid:
    uint32_t uid = 0;   // effective, second column of Uid:
    uint32_t gid = 0;
    uint64_t cap_inheritable = 0, cap_permitted = 0, cap_effective = 0;
    // Innermost pid namespace ids (last column of NSpid/NStgid/NSpgid); -1 if absent (kernels
    // before 4.1 do not have these lines).
    int64_t vtid = -1, vpid = -1, vpgid = -1;
};
bool parse_status(std::string_view text, StatusFields& out);

struct StatFields {
    char state = '?';
    int64_t ppid = 0;
    int64_t pgrp = 0;
    int64_t session = 0;
    uint32_t tty_nr = 0;
    uint64_t start_ticks = 0;  // clock ticks after boot
};
// The comm field is parenthesised and may itself contain ')' and spaces, so fields are
// counted from the last ')'.
bool parse_stat(std::string_view text, StatFields& out);

// "btime <seconds since epoch>" from /proc/stat.
bool parse_btime(std::string_view proc_stat, uint64_t& btime_s);

// Ticks since boot to ns since epoch, without overflowing for long uptimes.
uint64_t boot_ticks_to_epoch_ns(uint64_t btime_s, uint64_t ticks, uint64_t hz);

}  // namespace sensor::state::detail
