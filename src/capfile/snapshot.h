#pragma once
// The state a capture file carries so that its records decode as they did live: every
// thread of the process table, the known descriptors (plus, for descriptors the sensor had not
// met yet, what /proc/<pid>/fd showed when the file was written), the containers the threads
// run in, and the passwd and group files the user fields come from.
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "sensor/capture/record_decoder.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"

namespace sensor::capfile {

struct StateSnapshot {
    std::vector<state::ProcessInfo> threads;     // parent/user/container pointers unused
    std::vector<std::string> thread_containers;  // full id of each thread's container
    std::vector<state::ContainerInfo> containers;
    std::vector<std::pair<int64_t, state::FdInfo>> fds;  // (pid, descriptor)
    // The decoder's cgroup id -> container (full id) resolutions: what it read from /proc.
    std::vector<std::pair<uint64_t, std::string>> cgroups;
    std::string passwd, group;
};

// Copies the tables (on the event loop's thread: they have a single writer).
StateSnapshot take_snapshot(const state::ProcessTable& procs, const state::FdTable& fds,
                            const capture::RecordDecoder& decoder);
// Adds the descriptors of the snapshot's processes that proc_root/<pid>/fd shows and the
// snapshot lacks, and reads host_root's passwd and group (the writer's thread: file I/O).
void complete_from_host(StateSnapshot& s, const std::string& proc_root,
                        const std::string& host_root);

std::string snapshot_json(const StateSnapshot& s);
// The decoder's cgroup resolutions and their containers, written when a file ends: those made
// after the snapshot (the exec of a process the snapshot did not have) read /proc then.
std::string cgroups_json(const capture::RecordDecoder& decoder);
// Adds a cgroups_json() text to s; false with error.
bool parse_cgroups(const std::string& json, StateSnapshot& s, std::string& error);
// false with error naming the item on a bad snapshot.
bool parse_snapshot(const std::string& json, StateSnapshot& out, std::string& error);

// Rebuilds tables from a snapshot: threads inserted and linked, descriptors put, containers
// kept in `containers` (which must outlive the table), identities resolved through the
// table's user table.
void restore_snapshot(const StateSnapshot& s, state::ProcessTable& procs, state::FdTable& fds,
                      capture::RecordDecoder& decoder,
                      std::deque<state::ContainerInfo>& containers);

}  // namespace sensor::capfile
