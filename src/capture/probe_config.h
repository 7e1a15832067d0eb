#pragma once
// What the probe is told to do, as one value: which syscalls it traces and which opens it may
// leave in the kernel (the open path filter, applied to the syscalls events::path_filtered()
// selects). The policy module derives it from a ruleset;
// BpfProbe::apply() installs it in one call.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sensor::capture {

struct OpenPathFilter {
    // No filtering: some rule may match an open, or a later event on its fd, of any path.
    bool pass_all = true;
    std::string reason;
    std::vector<std::string> prefixes;       // fd.name starts with one of these
    std::vector<std::string> suffixes;       // fd.name ends with one of these
    std::vector<std::string> name_contains;  // fd.name contains one of these (<= 4 bytes)
    std::vector<std::string> raw_contains;   // fd.nameraw contains one of these (<= 4 bytes)
    // Opens whose flags write, create or truncate (the probe's write filter) are also sent
    // when they match these: the paths of rules that can match only such opens (a rule about
    // creating or truncating files). write_pass_all: every such open is sent.
    bool write_pass_all = false;
    std::string write_reason;  // why, when write_pass_all
    std::vector<std::string> write_prefixes, write_suffixes, write_name_contains,
        write_raw_contains;

    // What the probe decides for an open with this fd.name and fd.nameraw: true = send it.
    // `writes`: its flags write, create or truncate.
    bool may_match(std::string_view name, std::string_view nameraw, bool writes = false) const;
};

// An argument predicate (pred_arg in bpf/record.h): the call (by number) is sent only when
// its argument `arg` holds one of `allowed`.
struct ArgPredicate {
    uint32_t syscall = 0;
    uint8_t arg = 0;
    std::vector<int64_t> allowed;  // sorted
};

// A file the rules name by an absolute path, with the identity that path had at load or
// reload (stat on the sensor's host): a hardlink or any other path to the same inode is the
// same file (fd.fspath shows `path` for it).
struct FileIdentity {
    std::string path;
    uint64_t dev = 0, ino = 0;
};

// File identity as the probe applies it (sensor_identity_filter in bpf/record.h).
struct IdentitySet {
    bool fspath = false;              // rules compare fd.fspath: the open filter judges it too
    std::vector<FileIdentity> files;  // at most SENSOR_IDENTITY_MAX, distinct (dev, ino)
    size_t not_found = 0;             // named paths with no file at load (resolved on reload)
    size_t over_limit = 0;            // named files beyond SENSOR_IDENTITY_MAX: not resolved
};

struct ProbeConfig {
    std::vector<uint32_t> syscalls;  // sorted syscall numbers of this architecture
    OpenPathFilter open_filter;      // pass_all when the filter is off
    // Traced calls whose records carry their I/O data (up to ProbeOptions::snaplen bytes):
    // those a loaded rule reads evt.buffer (or the data parameter) of. Sorted numbers.
    std::vector<uint32_t> data_syscalls;
    IdentitySet identity;
    // Traced calls sent only for some values of an argument (fcntl: the commands the state
    // tables and the loaded rules need).
    std::vector<ArgPredicate> arg_predicates;
    // Traced calls whose records carry the file of their fd argument (events::kFdFileOnDemand)
    // or the files they received (events::kReceivesFds): those a loaded rule reads fd fields
    // of (fields::reads_event_fd). Sorted numbers.
    std::vector<uint32_t> file_syscalls;
    // Of those, the calls sent only when they qualify: mmaps only when they map a file
    // executable, recvmsgs only when they received files, because every loaded rule on them
    // needs that (evt.is_exec_mapping = true, fd.received). Sorted numbers.
    std::vector<uint32_t> qualified_syscalls;
};

// The bytes of a prefix (its first) or suffix (its last) the probe compares first, in a
// table of each: a hit on a pattern longer than these is confirmed in its exact tries.
std::string_view compared_bytes(std::string_view pattern, bool suffix);

// One line for the log: what the filter keeps, or why it keeps everything.
std::string describe(const OpenPathFilter& f);
// One line for the log: how many named files the probe knows by inode, and what it missed.
std::string describe(const IdentitySet& s);

}  // namespace sensor::capture
