// evt.* fields: the syscall record itself (type, direction, time, arguments, result).
#include <time.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "extract_util.h"
#include "field_tables.h"
#include "sensor/events/errno_names.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/events/syscall_table.h"
#include "sensor/events/time_format.h"

namespace sensor::fields::detail {
namespace {

constexpr uint64_t kNsPerSec = 1000000000ULL;

bool time_field(const Event& ev, bool utc, const char* fmt, bool nanos, const char* suffix,
                Value& out, std::string& scratch) {
    scratch.clear();
    events::append_time(ev.ts, utc, fmt, nanos, scratch);
    scratch += suffix;
    return put_scratch(out, scratch);
}

template <typename T>
void append_num(T v, std::string& out) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// The creation mode of an open-like call, from its "mode" argument (raw, or octal text).
uint32_t open_mode(const Event& ev) {
    const EventParam* p = ev.param("mode");
    if (!p) return 0;
    if (p->has_raw) return static_cast<uint32_t>(p->raw);
    uint32_t v = 0;
    std::string_view t = p->text;
    std::from_chars(t.data(), t.data() + t.size(), v, 8);
    return v;
}

const EventParam* arg_param(const Event& ev, const FieldArg& arg) {
    if (!arg.key.empty()) return ev.param(arg.key);
    if (arg.index >= 0 && arg.index < ev.param_count)
        return &ev.params[static_cast<size_t>(arg.index)];
    return nullptr;
}

bool evt_num(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_u64(out, ev.num);
}

// Times.

bool evt_time(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    return time_field(ev, false, "%H:%M:%S", true, "", out, scratch);
}

bool evt_time_s(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    return time_field(ev, false, "%H:%M:%S", false, "", out, scratch);
}

bool evt_time_iso8601(const Event& ev, const FieldArg&, uint32_t, Value& out,
                      std::string& scratch) {
    return time_field(ev, true, "%Y-%m-%dT%H:%M:%S", true, "+0000", out, scratch);
}

bool evt_datetime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    return time_field(ev, false, "%Y-%m-%d %H:%M:%S", true, "", out, scratch);
}

bool evt_datetime_s(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    return time_field(ev, false, "%Y-%m-%d %H:%M:%S", false, "", out, scratch);
}

bool evt_rawtime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_u64(out, ev.ts);
}

bool evt_rawtime_s(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_u64(out, ev.ts / kNsPerSec);
}

bool evt_rawtime_ns(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_u64(out, ev.ts % kNsPerSec);
}

// Time since the capture's first event (whole, seconds, or the ns part).
template <int Part>
bool evt_reltime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (ev.first_ts == 0 || ev.ts < ev.first_ts) return false;
    uint64_t d = ev.ts - ev.first_ts;
    return put_u64(out, Part == 0 ? d : Part == 1 ? d / kNsPerSec : d % kNsPerSec);
}

// Time since the previous event this field was extracted for, as libs keeps it per filter
// check: the node's scratch buffer holds that event's time (0 for the first).
template <int Part>
bool evt_deltatime(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    uint64_t prev = ev.ts;
    if (scratch.size() == sizeof prev) std::memcpy(&prev, scratch.data(), sizeof prev);
    scratch.assign(reinterpret_cast<const char*>(&ev.ts), sizeof ev.ts);
    uint64_t d = ev.ts >= prev ? ev.ts - prev : 0;
    return put_u64(out, Part == 0 ? d : Part == 1 ? d / kNsPerSec : d % kNsPerSec);
}

// The call.

bool evt_dir(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_str(out, ev.dir == EventDir::Enter ? ">" : "<");
}

bool evt_type(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_nonempty(out, events::event_type_name(ev.type));
}

bool syscall_type(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!events::is_syscall(ev.type)) return false;
    return put_nonempty(out, events::event_type_name(ev.type));
}

bool evt_cpu(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_i64(out, ev.cpu);
}

bool evt_args(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    scratch.clear();
    for (uint16_t i = 0; i < ev.param_count; ++i) {
        if (i) scratch += ' ';
        scratch += ev.params[i].name;
        scratch += '=';
        scratch += ev.params[i].text;
    }
    return put_scratch(out, scratch);
}

bool evt_arg(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    const EventParam* p = arg_param(ev, arg);
    return p && put_str(out, p->resolved.empty() ? p->text : p->resolved);
}

bool evt_rawarg(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    const EventParam* p = arg_param(ev, arg);
    return p && p->has_raw && put_i64(out, p->raw);
}

bool evt_res(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    if (!ev.has_res) return false;
    if (ev.res >= 0) return put_str(out, "SUCCESS");
    std::string_view name = events::errno_name(static_cast<long>(-ev.res));
    if (!name.empty()) return put_str(out, name);
    scratch.clear();
    append_num(ev.res, scratch);
    return put_scratch(out, scratch);
}

bool evt_rawres(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.has_res && put_i64(out, ev.res);
}

bool evt_failed(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, ev.has_res && ev.res < 0);
}

// I/O data: the decoder sets the buffer for calls that have one (events::has_io_data).

bool evt_buffer(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.has_buffer && put_str(out, ev.buffer);
}

// The call's byte count (its result), as Falco: missing when it failed.
bool evt_buflen(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.has_buffer && ev.res >= 0 && put_u64(out, static_cast<uint64_t>(ev.res));
}

// Opens.

bool evt_is_open_read(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, ev.is_open_event && events::oflags::opens_for_read(ev.open_flags));
}

bool evt_is_open_write(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, ev.is_open_event && events::oflags::opens_for_write(ev.open_flags));
}

bool evt_is_open_exec(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    using namespace events::oflags;
    bool creates = ev.open_flags & (kCreat | kTmpFileBit);
    return put_bool(out, ev.is_open_event && creates && (open_mode(ev) & 0111));
}

bool evt_is_open_create(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, ev.is_open_event && (ev.open_flags & events::oflags::kFCreated));
}

// Context.

bool evt_category(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_str(out, events::event_category(ev.type));
}

bool evt_hostname(const Event&, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_nonempty(out, event_hostname());
}

bool evt_source(const Event&, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_str(out, "syscall");
}

bool evt_is_async(const Event&, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, false);
}

}  // namespace

void add_evt_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        {"evt.num", FT::Uint64, AK::None, "sequence number of the event", evt_num},

        // Times.
        {"evt.time", FT::String, AK::None, "event time as local HH:MM:SS.nnnnnnnnn", evt_time},
        {"evt.time.s", FT::String, AK::None, "event time as local HH:MM:SS", evt_time_s},
        {"evt.time.iso8601", FT::String, AK::None, "event time in UTC, ISO 8601 with nanoseconds",
         evt_time_iso8601},
        {"evt.datetime", FT::String, AK::None, "event date and local time with nanoseconds",
         evt_datetime},
        {"evt.datetime.s", FT::String, AK::None, "event date and local time", evt_datetime_s},
        {"evt.rawtime", FT::AbsTime, AK::None, "event time, ns since the epoch", evt_rawtime},
        {"evt.rawtime.s", FT::AbsTime, AK::None, "whole seconds of the event time", evt_rawtime_s},
        {"evt.rawtime.ns", FT::AbsTime, AK::None, "nanosecond part of the event time",
         evt_rawtime_ns},
        {"evt.reltime", FT::RelTime, AK::None, "ns since the capture's first event",
         evt_reltime<0>},
        {"evt.reltime.s", FT::RelTime, AK::None, "whole seconds since the capture's first event",
         evt_reltime<1>},
        {"evt.reltime.ns", FT::RelTime, AK::None,
         "nanosecond part of the time since the capture's first event", evt_reltime<2>},
        // The probe traces syscall exits only (an enter program would double its cost), so
        // there is no enter time to measure from: Falco's deprecated latency fields load and
        // read as missing.
        deprecated(
            {"evt.latency", FT::RelTime, AK::None, "not tracked; always missing", never_filled}),
        deprecated(
            {"evt.latency.s", FT::RelTime, AK::None, "not tracked; always missing", never_filled}),
        deprecated(
            {"evt.latency.ns", FT::RelTime, AK::None, "not tracked; always missing", never_filled}),
        deprecated({"evt.latency.human", FT::String, AK::None, "not tracked; always missing",
                    never_filled}),
        {"evt.deltatime", FT::RelTime, AK::None,
         "ns since the previous event this field was evaluated on (0 for the first)",
         evt_deltatime<0>},
        {"evt.deltatime.s", FT::RelTime, AK::None, "whole seconds of evt.deltatime",
         evt_deltatime<1>},
        {"evt.deltatime.ns", FT::RelTime, AK::None, "nanosecond part of evt.deltatime",
         evt_deltatime<2>},

        // The call. evt.dir is deprecated in Falco since drivers stopped sending enter events;
        // still evaluated.
        deprecated({"evt.dir", FT::String, AK::None, "direction: > enter, < exit", evt_dir}),
        {"evt.type", FT::String, AK::None, "event type name, e.g. openat", evt_type},
        {"syscall.type", FT::String, AK::None,
         "syscall name for syscall events; missing for others (procexit, container...)",
         syscall_type},
        {"evt.cpu", FT::Int64, AK::None, "CPU the event happened on", evt_cpu},
        {"evt.args", FT::String, AK::None, "all arguments as name=value pairs", evt_args},
        {"evt.arg", FT::String, AK::EvtArg,
         "one argument as text, by name (evt.arg.NAME) or position (evt.arg[N])", evt_arg},
        {"evt.rawarg", FT::Int64, AK::EvtArg,
         "one argument's raw numeric value, by name (evt.rawarg.NAME)", evt_rawarg},
        {"evt.res", FT::String, AK::None, "result: SUCCESS, or the errno name of a failure",
         evt_res},
        {"evt.rawres", FT::Int64, AK::None, "return value as a number", evt_rawres},
        {"evt.failed", FT::Bool, AK::None, "true when the call returned an error", evt_failed},

        // I/O data.
        {"evt.buffer", FT::Bytes, AK::None,
         "the data a read or write moved (read, write, sendto, recvmsg...), at most the snaplen "
         "(falco_libs.snaplen, 80 bytes); compare with contains, startswith, bcontains, "
         "bstartswith",
         evt_buffer},
        {"evt.buflen", FT::Uint64, AK::None,
         "the bytes a read or write moved (its result); missing when it failed", evt_buflen},

        // Opens.
        {"evt.is_open_read", FT::Bool, AK::None, "true for an open that reads (O_RDONLY or O_RDWR)",
         evt_is_open_read},
        {"evt.is_open_write", FT::Bool, AK::None,
         "true for an open that writes (O_WRONLY or O_RDWR)", evt_is_open_write},
        {"evt.is_open_exec", FT::Bool, AK::None,
         "true for an open that creates a file with an execute bit", evt_is_open_exec},
        {"evt.is_open_create", FT::Bool, AK::None,
         "true for an open that created the file (O_F_CREATED)", evt_is_open_create},

        // Context.
        {"evt.category", FT::String, AK::None, "coarse event class: file, net, process or other",
         evt_category},
        {"evt.hostname", FT::String, AK::None, "name of the host the sensor runs on", evt_hostname},
        {"evt.source", FT::String, AK::None, "event source; always syscall", evt_source},
        {"evt.is_async", FT::Bool, AK::None,
         "true for events not caused by a syscall; always false here", evt_is_async},
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail
