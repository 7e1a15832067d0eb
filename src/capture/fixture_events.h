#pragma once
// Fixture events: JSON lines describing syscall events together with the process, fd and
// container state they happened in (format: docs/replay-format.md). Tests and the replay
// command feed them to the engine without a kernel.
#include <deque>
#include <istream>
#include <string>
#include <vector>

#include "sensor/fields/event.h"

namespace sensor::capture {

// Loaded events plus the state they point into. Events borrow from the deques, whose elements
// never move, so the set may be moved but not copied.
struct FixtureSet {
    std::vector<fields::Event> events;
    std::deque<state::ProcessInfo> processes;
    std::deque<state::FdInfo> fds;
    std::deque<state::ContainerInfo> containers;
    std::deque<state::UserInfo> users;
    std::deque<state::GroupInfo> groups;
    std::deque<std::string> strings;  // parameter names and texts

    FixtureSet() = default;
    FixtureSet(FixtureSet&&) = default;
    FixtureSet& operator=(FixtureSet&&) = default;
    FixtureSet(const FixtureSet&) = delete;
    FixtureSet& operator=(const FixtureSet&) = delete;
};

// Reads one JSON object per line; blank lines and lines starting with '#' are skipped.
// Throws std::runtime_error("<source_name>:<line>: <problem>") on bad input, including
// unknown keys, so that typos in fixtures fail loudly.
FixtureSet load_fixture_events(std::istream& in, const std::string& source_name);

// Same, from a file; a file that cannot be opened is reported the same way (line 0).
FixtureSet load_fixture_file(const std::string& path);

}  // namespace sensor::capture
