#pragma once
// Fields: every field a condition or an output may name, with its type, argument form,
// description and extractor. Each event source owns its fields (event_source.h); rules resolve
// names in their source's fields once, at load time; evaluation then calls the extractor
// function directly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/events/ip.h"
#include "sensor/fields/event.h"

namespace sensor::fields {

enum class FieldType : uint8_t {
    String,  // CHARBUF
    Path,    // FSPATH: a string that is a path
    Int64,   // signed numbers (pids, fds, return values)
    Uint64,  // unsigned numbers (uids, counters, inode numbers)
    Bool,
    AbsTime,  // ns since epoch (compares as Uint64)
    RelTime,  // ns duration (compares as Uint64)
    Ip,       // IPv4/IPv6 address
    Net,      // IP network (CIDR)
    Bytes,    // byte buffer
    Double,   // floating point (Falco's DOUBLE: percentages)
};
std::string_view field_type_name(FieldType t);
bool is_numeric(FieldType t);
bool is_stringy(FieldType t);  // String, Path

enum class ArgKind : uint8_t {
    None,         // no argument allowed
    Index,        // required numeric argument: `proc.aname[2]` style but mandatory
    AncestorOpt,  // optional ancestor level; without it a filter matches any ancestor
    Key,          // required string key: `container.label[app]`
    KeyOpt,       // optional string key: `proc.env[HOME]` or `proc.env`
    EvtArg,       // `evt.arg.NAME`, `evt.arg[NAME]` or `evt.arg[N]`
    IndexOpt,     // optional element index (digits, no leading zero): `ka.sourceips[0]`
    IndexOrKey,   // required index or key: `container.mount[0]`, `container.mount[/usr/local]`
};

// The argument a field reference carries, parsed at load time.
struct FieldArg {
    bool present = false;
    int64_t index = -1;  // numeric argument
    std::string key;     // string argument (evt.arg name, label key)
};

// A value produced by an extractor. Only the member matching the field's type is meaningful.
// Strings are views into state or into the caller's scratch buffer.
struct Value {
    std::string_view str;
    int64_t i64 = 0;
    uint64_t u64 = 0;
    double f64 = 0;
    bool b = false;
    IpAddr ip;
    IpNet net;
};

// Extracts value number `n` of a field for an event: n is 0 for single-valued fields; for
// multi-valued ones (any-ancestor form, list fields) the caller counts up until false.
// `scratch` is a buffer owned by the calling compiled node, reused across events.
using ExtractFn = bool (*)(const Event& ev, const FieldArg& arg, uint32_t n, Value& out,
                           std::string& scratch);

struct FieldDef {
    std::string_view name;
    FieldType type;
    ArgKind arg_kind;
    std::string_view desc;
    ExtractFn extract;
    bool list_valued = false;  // a list: only in/intersects/exists apply
    bool any_of = false;       // several candidates (fd.ip: client or server); a check holds
                               // if it holds for any of them; output shows the first
    bool json_string = false;  // numeric field whose output_fields value is a string
    bool deprecated = false;   // reported as LOAD_DEPRECATED_ITEM when used
    // Why the field is not filled live here (e.g. it needs the Kubernetes API server); nullptr
    // when it is filled. Shown by --list and warned about once per field when rules load.
    const char* unavailable = nullptr;
    // Checks a present argument at load time beyond its kind (e.g. a JSON pointer's syntax);
    // false with the reason.
    bool (*check_arg)(const FieldArg& arg, std::string& error) = nullptr;
};

// A resolved field reference: the definition plus its parsed argument.
struct FieldRef {
    const FieldDef* def = nullptr;
    FieldArg arg;
    // The field yields several values (no-arg ancestor form or a list field).
    bool multi() const {
        return def->list_valued || def->any_of ||
               (def->arg_kind == ArgKind::AncestorOpt && !arg.present);
    }
};

// Whether a field reads the event's fd (fd.*, evt.is_exec_mapping): filled only on calls that
// act on an fd (events::acts_on_fd), whose records then carry the file when the probe can
// describe it.
bool reads_event_fd(const FieldDef& def);

// The syscall source's fields, and one of them by name (nullptr if none).
const std::vector<FieldDef>& all_fields();
const FieldDef* find_field(std::string_view name);

// Resolves `name` (as the parser read it, e.g. `evt.arg.flags`) and its optional bracketed
// argument among the fields of `source`. Returns nullopt and sets `error` (Falco's wording)
// when the source has no such field (naming the source that has it, if another does) or the
// argument does not fit.
std::optional<FieldRef> resolve_field(std::string_view name, const std::string* arg,
                                      std::string& error, SourceId source = kSyscallSource);

// The host name evt.hostname reports. Defaults to gethostname(); the daemon may override it
// (e.g. from FALCO_HOSTNAME) before events flow.
void set_event_hostname(std::string name);
std::string_view event_hostname();

// How I/O data (evt.buffer, evt.arg.data) is rendered in outputs: Falco's default prints
// printable ASCII and '.' for other bytes; falco.yaml's buffer_format_base64 asks for base64.
// Process-wide, as in Falco; set before events flow.
void set_buffer_format_base64(bool on);
bool buffer_format_base64();
// Appends bytes in the current buffer format.
void append_buffer_text(std::string_view bytes, std::string& out);
// The two formats, whatever the setting.
void append_buffer_dots(std::string_view bytes, std::string& out);
void append_base64(std::string_view bytes, std::string& out);

// Renders a value as Falco prints it in text output.
void append_value_text(const FieldDef& def, const Value& v, std::string& out);

}  // namespace sensor::fields
