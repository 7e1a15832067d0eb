#pragma once
// One line of a fixture file (docs/replay-format.md), parsed and checked: the event it describes
// and the state it says the event happened in. fixture_events.cpp turns it into state
// operations and probe records.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sensor/events/event_types.h"
#include "sensor/state/records.h"

namespace sensor::capture::fixture {

struct ArgSpec {
    std::string name;
    std::string text;
    bool has_raw = false;
    int64_t raw = 0;
};

// A process of the line's ancestry chain and the identities it names.
struct ProcSpec {
    state::ProcessInfo info;  // parent, container and identity pointers unset
    std::optional<state::UserInfo> user;
    std::optional<state::GroupInfo> group;
    std::optional<state::UserInfo> loginuser;
};

struct FdSpec {
    state::FdInfo info;
    bool has_flags = false;  // "flags" given (else the event's open flags)
};

struct LineSpec {
    std::string type_name;
    events::EventTypeId type = 0;
    bool enter = false;
    uint64_t ts = 0;
    uint64_t num = 0;
    bool has_res = true;
    int64_t res = 0;
    int64_t cpu = 0;
    std::vector<ArgSpec> args;    // in the order written
    int64_t tid = 0, pid = 0;     // the thread: from "proc", or "tid"/"pid" naming one in state
    std::vector<ProcSpec> procs;  // the chain from the eldest ancestor to the thread
    std::optional<FdSpec> fd;
    std::optional<state::ContainerInfo> container;

    const ArgSpec* arg(std::string_view name) const {
        for (const auto& a : args)
            if (a.name == name) return &a;
        return nullptr;
    }
};

// Parses one JSON line; throws std::runtime_error with the problem (no position; the caller
// adds "<file>:<line>: "). prev_ts and index give the defaults of "ts" and "num".
LineSpec parse_line(const std::string& line, uint64_t prev_ts, uint64_t index);

}  // namespace sensor::capture::fixture
