// evt.* fields derived from the syscall table's flags and categories (evt.is_io, evt.is_wait,
// evt.count.error.file ...), plus evt.info, evt.type.is and the plugin/async fields that a
// syscall event leaves empty.
#include <charconv>

#include "extract_util.h"
#include "field_tables.h"
#include "sensor/events/event_types.h"
#include "sensor/events/syscall_table.h"

namespace sensor::fields::detail {
namespace {

namespace sf = events::sysflag;

uint32_t flags_of(const Event& ev) {
    return events::event_flags(ev.type);
}

bool evt_info(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    scratch.clear();
    for (uint16_t i = 0; i < ev.param_count; ++i) {
        if (i) scratch += ' ';
        scratch.append(ev.params[i].name).append("=").append(ev.params[i].text);
    }
    return put_scratch(out, scratch);
}

// evt.type.is.NAME: 1 for events of type NAME, else 0.
bool evt_type_is(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string&) {
    return put_u64(out, events::event_type_name(ev.type) == arg.key ? 1 : 0);
}

bool type_is_arg(const FieldArg& arg, std::string& error) {
    if (!arg.key.empty() && events::event_type_id(arg.key)) return true;
    error = "unknown event type " + (arg.key.empty() ? std::to_string(arg.index) : arg.key);
    return false;
}

bool evt_is_io(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, flags_of(ev) & (sf::kReadsFd | sf::kWritesFd));
}

bool evt_is_io_read(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, flags_of(ev) & sf::kReadsFd);
}

bool evt_is_io_write(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, flags_of(ev) & sf::kWritesFd);
}

bool evt_io_dir(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_nonempty(out, events::io_direction(ev.type));
}

bool evt_is_io_uring(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, ev.is_io_uring);
}

bool evt_is_wait(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_bool(out, flags_of(ev) & sf::kWaits);
}

// A write to the syslog socket (libs' sinsp_fdinfo::is_syslog: names containing /dev/log or
// /run/systemd/journal/syslog).
bool evt_is_syslog(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    bool syslog = (flags_of(ev) & sf::kWritesFd) && ev.fd &&
                  (ev.fd->name.find("/dev/log") != std::string::npos ||
                   ev.fd->name.find("/run/systemd/journal/syslog") != std::string::npos);
    return put_bool(out, syslog);
}

bool evt_count(const Event&, const FieldArg&, uint32_t, Value& out, std::string&) {
    return put_u64(out, 1);
}

bool error_count(const Event& ev, Value& out) {
    return ev.has_res && put_u64(out, ev.res < 0 ? 1 : 0);
}

bool evt_count_error(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return error_count(ev, out);
}

bool is_file_fd(const FdInfo& f) {
    return f.type == FdType::File || f.type == FdType::Directory;
}

bool is_net_fd(const FdInfo& f) {
    return f.type == FdType::Ipv4 || f.type == FdType::Ipv6 || f.type == FdType::Unix;
}

// Without an fd, libs counts the opens as file errors and accept/connect as net errors.
bool is_fdless_file_call(const Event& ev) {
    return events::is_open(ev.type);
}

// libs names accept, accept4 and connect; the table's Accept and Connect handlers are those
// and bind.
bool is_fdless_net_call(const Event& ev) {
    const events::SyscallEntry* e = events::syscall_entry_by_type(ev.type);
    return e && (e->handler == events::Handler::Accept || e->handler == events::Handler::Connect);
}

bool is_memory(const Event& ev) {
    return events::event_category_of(ev.type) == events::Category::Memory;
}

bool evt_count_error_file(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    bool file = ev.fd ? is_file_fd(*ev.fd) : is_fdless_file_call(ev);
    return file && error_count(ev, out);
}

bool evt_count_error_net(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    bool net = ev.fd ? is_net_fd(*ev.fd) : is_fdless_net_call(ev);
    return net && error_count(ev, out);
}

bool evt_count_error_memory(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return is_memory(ev) && error_count(ev, out);
}

bool evt_count_error_other(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    bool other = ev.fd ? !is_file_fd(*ev.fd) && !is_net_fd(*ev.fd)
                       : !is_fdless_file_call(ev) && !is_fdless_net_call(ev) && !is_memory(ev);
    return other && error_count(ev, out);
}

bool evt_count_exit(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.dir == EventDir::Exit && put_u64(out, 1);
}

constexpr int64_t kProtExec = 4;  // PROT_EXEC

// A mapping asking PROT_EXEC of a file (a regular file or a memfd): code loaded from it, as a
// loader (ld.so /dev/shm/x) or dlopen() does. Missing for calls that map no memory.
bool evt_is_exec_mapping(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    const events::SyscallEntry* e = events::syscall_entry_by_type(ev.type);
    if (!e || e->args.prot == SENSOR_NO_ARG) return false;
    const EventParam* prot = ev.param("prot");
    bool file = ev.fd && (ev.fd->type == FdType::File || ev.fd->type == FdType::Memfd);
    return put_bool(out, file && prot && prot->has_raw && (prot->raw & kProtExec));
}

}  // namespace

void add_evt_flag_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    FieldDef type_is{"evt.type.is", FT::Uint64, AK::EvtArg,
                     "1 for events of the type named: evt.type.is.open; else 0", evt_type_is};
    type_is.check_arg = type_is_arg;
    const FieldDef table[] = {
        type_is,
        {"evt.info", FT::String, AK::None, "the same as evt.args", evt_info},
        {"evt.is_io", FT::Bool, AK::None, "true for calls that read or write an fd's data",
         evt_is_io},
        {"evt.is_io_read", FT::Bool, AK::None, "true for calls that read an fd's data",
         evt_is_io_read},
        {"evt.is_io_write", FT::Bool, AK::None, "true for calls that write an fd's data",
         evt_is_io_write},
        {"evt.io_dir", FT::String, AK::None, "read or write, for calls that move an fd's data",
         evt_io_dir},
        {"evt.is_wait", FT::Bool, AK::None, "true for calls that wait (poll, select, nanosleep)",
         evt_is_wait},
        {"evt.is_exec_mapping", FT::Bool, AK::None,
         "mmap: true when it maps a file (regular file or memfd) executable (PROT_EXEC)",
         evt_is_exec_mapping},
        {"evt.is_syslog", FT::Bool, AK::None, "true for writes to /dev/log", evt_is_syslog},
        {"evt.is_io_uring", FT::Bool, AK::None,
         "true for an io_uring request, reported as the event of the syscall it stands for "
         "(sensor addition)",
         evt_is_io_uring},
        {"evt.count", FT::Uint64, AK::None, "always 1", evt_count},
        {"evt.count.error", FT::Uint64, AK::None, "1 for a failed call, else 0", evt_count_error},
        {"evt.count.error.file", FT::Uint64, AK::None, "evt.count.error for file calls",
         evt_count_error_file},
        {"evt.count.error.net", FT::Uint64, AK::None, "evt.count.error for network calls",
         evt_count_error_net},
        {"evt.count.error.memory", FT::Uint64, AK::None, "evt.count.error for memory calls",
         evt_count_error_memory},
        {"evt.count.error.other", FT::Uint64, AK::None, "evt.count.error for the other calls",
         evt_count_error_other},
        {"evt.count.exit", FT::Uint64, AK::None, "1 for exit events", evt_count_exit},
        unavailable({"evt.around", FT::Uint64, AK::Index,
                     "evt.around[T] = D: events within D ms of time T; not evaluated (captures "
                     "only in Falco)",
                     never_filled},
                    "Falco evaluates it on capture files only"),
        // Syscall events come from no plugin and are not asynchronous: Falco leaves these empty.
        {"evt.asynctype", FT::String, AK::None, "type of an asynchronous event; empty here",
         never_filled},
        {"evt.pluginname", FT::String, AK::None, "plugin of a plugin event; empty here",
         never_filled},
        {"evt.plugininfo", FT::String, AK::None, "plugin's summary of a plugin event; empty here",
         never_filled},
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail

namespace sensor::fields {

bool reads_event_fd(const FieldDef& def) {
    return def.name.starts_with("fd.") || def.extract == detail::evt_is_exec_mapping;
}

}  // namespace sensor::fields
