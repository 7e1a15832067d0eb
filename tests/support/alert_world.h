#pragma once
// A hand-built openat event for output tests: cat (pid 42, user alice, parent bash) opening
// /etc/shadow as fd 3, at 2023-11-14T22:13:20.123456789Z.
#include "sensor/events/event_types.h"
#include "sensor/fields/event.h"

namespace sensor::testing_support {

struct AlertWorld {
    state::ProcessInfo parent, proc;
    state::UserInfo user{1000, "alice", "/home/alice", "/bin/bash"};
    state::FdInfo fd;
    fields::Event ev;
    AlertWorld() {
        parent.name = "bash";
        parent.pid = 10;
        proc.name = "cat";
        proc.pid = 42;
        proc.argv = {"/etc/shadow"};
        proc.uid = 1000;
        proc.user = &user;
        proc.parent = &parent;
        proc.refresh_derived();
        parent.refresh_derived();
        fd.num = 3;
        fd.type = state::FdType::File;
        fd.name = "/etc/shadow";
        fd.refresh_derived();
        ev.type = *events::event_type_id("openat");
        ev.num = 7;
        ev.ts = 1700000000123456789ULL;  // 2023-11-14T22:13:20.123456789Z
        ev.proc = &proc;
        ev.fd = &fd;
    }
};

}  // namespace sensor::testing_support
