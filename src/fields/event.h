#pragma once
// The event as the rule engine sees it: the syscall record plus pointers into the state the
// event happened in (thread/process, fd, user, container), tagged with its source. Capture and
// state fill these plain structs; fixtures fill them from JSON. Extractors read them directly,
// with no virtual calls.
//
// Ownership: an Event only borrows. ProcessInfo, FdInfo, ContainerInfo, UserInfo and GroupInfo
// live in the state tables (or a fixture) and must outlive evaluation of the event.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/events/event_types.h"
#include "sensor/state/records.h"

namespace sensor::state {
class FdTable;
class ProcessTable;
}  // namespace sensor::state

namespace sensor::fields {

// The state records an event points into are the state module's; fields name them as their own.
using events::IpAddr;
using events::IpNet;
using state::ContainerInfo;
using state::FdInfo;
using state::FdType;
using state::GroupInfo;
using state::L4Proto;
using state::ProcessInfo;
using state::UserInfo;

enum class EventDir : uint8_t { Enter, Exit };

// The source an event comes from (Falco's `source:`): an index into fields::sources()
// (sensor/fields/event_source.h). Every source has its own fields and event types, and a rule
// sees only events of its own source.
using SourceId = uint8_t;
inline constexpr SourceId kSyscallSource = 0;  // syscalls and the sensor's own events

// One syscall parameter: its name, Falco's text rendering (what evt.arg.NAME yields), and the
// raw numeric value where it has one (evt.rawarg.NAME).
struct EventParam {
    std::string_view name;
    std::string_view text;
    // Falco's resolved form, what evt.arg.NAME gives: "ENOENT" of "-2(ENOENT)", "<f>/etc/passwd"
    // of "3(<f>/etc/passwd)", "nobody" of "65534(nobody)". Empty: the text itself.
    std::string_view resolved;
    int64_t raw = 0;
    bool has_raw = false;
};

inline constexpr size_t kMaxEventParams = 32;

struct Event {
    uint64_t num = 0;              // sequence number, from 1
    uint64_t ts = 0;               // ns since epoch
    events::EventTypeId type = 0;  // an id among its source's event types
    EventDir dir = EventDir::Exit;
    SourceId source = kSyscallSource;
    int64_t res = 0;  // return value (evt.rawres); for fd-returning calls the fd
    bool has_res = true;
    uint32_t open_flags = 0;  // O_* flags for open-like events (evt.is_open_read...)
    bool is_open_event = false;
    bool is_io_uring = false;  // an io_uring request, decoded as its syscall (evt.is_io_uring)
    uint16_t param_count = 0;
    std::array<EventParam, kMaxEventParams> params{};
    int64_t cpu = 0;
    const ProcessInfo* proc = nullptr;
    const FdInfo* fd = nullptr;                // the fd the event acts on or creates
    const ContainerInfo* container = nullptr;  // falls back to proc->container
    // I/O data of a read or write (evt.buffer), at most the snaplen; has_buffer for calls that
    // have data, even when the probe copied none.
    std::string_view buffer;
    bool has_buffer = false;
    // The record of a source other than syscall, owned by that source's decoder (for
    // k8s_audit: a k8saudit::AuditEvent); its fields' extractors know the type.
    const void* payload = nullptr;
    // Live capture only (null for hand-built events): the tables the event's state lives in,
    // for fields about a process's other fds or threads (fd.types, proc.nthreads ...), and the
    // procfs root for the few per-process counters read lazily (proc.vmrss, thread.cgroups ...).
    const state::FdTable* fds = nullptr;
    const state::ProcessTable* threads = nullptr;
    const char* proc_root = nullptr;
    uint64_t first_ts = 0;  // time of the capture's first event (evt.reltime); 0 unknown
    // The names of the files a recvmsg received over SCM_RIGHTS (fd.received), as the fd
    // table now holds them; received_count of them.
    const std::string* received = nullptr;
    uint8_t received_count = 0;

    const EventParam* param(std::string_view pname) const {
        for (uint16_t i = 0; i < param_count; ++i)
            if (params[i].name == pname) return &params[i];
        return nullptr;
    }
    const ContainerInfo* container_info() const {
        if (container) return container;
        return proc ? proc->container : nullptr;
    }
};

}  // namespace sensor::fields
