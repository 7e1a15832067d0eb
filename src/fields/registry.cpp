#include "sensor/fields/registry.h"

#include <unistd.h>

#include <charconv>

#include "sensor/fields/event_source.h"

namespace sensor::fields {
namespace {

std::string& hostname_storage() {
    static std::string name = [] {
        char buf[256] = {};
        if (gethostname(buf, sizeof buf - 1) != 0) return std::string();
        return std::string(buf);
    }();
    return name;
}

// "evt.arg.flags" -> "flags" for the given prefix, or empty.
std::string_view dotted_arg(std::string_view name, std::string_view prefix) {
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return {};
    return name.substr(prefix.size());
}

std::optional<int64_t> parse_index(std::string_view s) {
    int64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string written(std::string_view name, const std::string* arg) {
    std::string s(name);
    if (arg) s.append("[").append(*arg).append("]");
    return s;
}

// Fields whose argument may follow a dot: evt.arg.flags, evt.type.is.open, thread.cgroup.cpu.
constexpr std::string_view kDottedArgFields[] = {"evt.arg", "evt.rawarg", "evt.type.is",
                                                 "evt.abspath", "thread.cgroup"};

// Whether the source has the field as written (evt.arg.NAME counts as evt.arg).
bool has_field(const EventSource& src, std::string_view name) {
    if (src.find_field(name)) return true;
    for (std::string_view base : kDottedArgFields)
        if (!dotted_arg(name, std::string(base) + ".").empty() && src.find_field(base)) return true;
    return false;
}

// Falco's error for a field the source does not have, naming the source that has it.
std::string nonexistent(const EventSource& src, std::string_view name, const std::string* arg) {
    std::string error = "filter_check called with nonexistent field " + written(name, arg);
    for (const EventSource* other : sources())
        if (other != &src && has_field(*other, name)) {
            error += ": it is a field of source " + std::string(other->name()) +
                     ", not of source " + std::string(src.name());
            break;
        }
    return error;
}

}  // namespace

std::string_view field_type_name(FieldType t) {
    switch (t) {
        case FieldType::String:
            return "string";
        case FieldType::Path:
            return "path";
        case FieldType::Int64:
            return "int64";
        case FieldType::Uint64:
            return "uint64";
        case FieldType::Bool:
            return "bool";
        case FieldType::AbsTime:
            return "abstime";
        case FieldType::RelTime:
            return "reltime";
        case FieldType::Ip:
            return "ipaddr";
        case FieldType::Net:
            return "ipnet";
        case FieldType::Bytes:
            return "bytebuf";
        case FieldType::Double:
            return "double";
    }
    return "unknown";
}

bool is_numeric(FieldType t) {
    return t == FieldType::Int64 || t == FieldType::Uint64 || t == FieldType::AbsTime ||
           t == FieldType::RelTime || t == FieldType::Double;
}

bool is_stringy(FieldType t) {
    return t == FieldType::String || t == FieldType::Path;
}

const std::vector<FieldDef>& all_fields() {
    return source(kSyscallSource).fields();
}

const FieldDef* find_field(std::string_view name) {
    return source(kSyscallSource).find_field(name);
}

std::optional<FieldRef> resolve_field(std::string_view name, const std::string* arg,
                                      std::string& error, SourceId source_id) {
    const EventSource& src = source(source_id);
    FieldRef ref;
    ref.def = src.find_field(name);

    // evt.arg.NAME / evt.rawarg.NAME: the parameter name is part of the field name.
    if (!ref.def) {
        for (std::string_view base : kDottedArgFields) {
            std::string prefix = std::string(base) + ".";
            std::string_view key = dotted_arg(name, prefix);
            if (key.empty() || !src.find_field(base)) continue;
            if (arg) {
                error = "field " + written(name, arg) + " takes no [argument] after ." +
                        std::string(key);
                return std::nullopt;
            }
            ref.def = src.find_field(base);
            ref.arg.present = true;
            ref.arg.key = std::string(key);
            if (ref.def->check_arg && !ref.def->check_arg(ref.arg, error)) {
                error = "field " + std::string(name) + ": " + error;
                return std::nullopt;
            }
            return ref;
        }
        error = nonexistent(src, name, arg);
        return std::nullopt;
    }

    const FieldDef& d = *ref.def;
    switch (d.arg_kind) {
        case ArgKind::None:
            if (arg) {
                error = "field " + std::string(d.name) + " does not take an argument";
                return std::nullopt;
            }
            break;
        case ArgKind::Index:
        case ArgKind::AncestorOpt: {
            if (!arg) {
                if (d.arg_kind == ArgKind::Index) {
                    error = "field " + std::string(d.name) + " requires a numeric argument";
                    return std::nullopt;
                }
                break;
            }
            auto idx = parse_index(*arg);
            if (!idx || *idx < 0) {
                error =
                    "field " + written(name, arg) + ": the argument must be a non-negative number";
                return std::nullopt;
            }
            ref.arg.present = true;
            ref.arg.index = *idx;
            break;
        }
        case ArgKind::Key:
        case ArgKind::KeyOpt:
            if (!arg) {
                if (d.arg_kind == ArgKind::Key) {
                    error = "field " + std::string(d.name) + " requires an argument, e.g. " +
                            std::string(d.name) + "[key]";
                    return std::nullopt;
                }
                break;
            }
            if (arg->empty()) {
                error = "field " + written(name, arg) + ": empty argument";
                return std::nullopt;
            }
            ref.arg.present = true;
            ref.arg.key = *arg;
            break;
        case ArgKind::IndexOpt:
            if (!arg) break;
            if (arg->empty() || arg->find_first_not_of("0123456789") != std::string::npos ||
                (arg->size() > 1 && (*arg)[0] == '0')) {
                error = "field " + written(name, arg) +
                        ": the index must be digits with no "
                        "leading zero";
                return std::nullopt;
            }
            ref.arg.present = true;
            ref.arg.index = std::stoll(*arg);
            break;
        case ArgKind::EvtArg:
            // evt.abspath alone is evt.abspath.src, as in libs.
            if (!arg && d.name == "evt.abspath") break;
            [[fallthrough]];
        case ArgKind::IndexOrKey:
            // evt.rawarg only has the dotted form; evt.arg also takes [N] or [NAME].
            if (!arg || arg->empty() || d.name == "evt.rawarg") {
                error = "field " + written(name, arg) + " requires an argument, e.g. " +
                        std::string(d.name) +
                        (d.arg_kind == ArgKind::EvtArg ? ".name" : "[0] or [/path]");
                return std::nullopt;
            }
            ref.arg.present = true;
            if (auto idx = parse_index(*arg)) {
                if (*idx < 0) {
                    error = "field " + written(name, arg) + ": negative argument index";
                    return std::nullopt;
                }
                ref.arg.index = *idx;
            } else {
                ref.arg.key = *arg;
            }
            break;
    }
    if (ref.arg.present && d.check_arg && !d.check_arg(ref.arg, error)) {
        error = "field " + written(name, arg) + ": " + error;
        return std::nullopt;
    }
    return ref;
}

void set_event_hostname(std::string name) {
    hostname_storage() = std::move(name);
}

std::string_view event_hostname() {
    return hostname_storage();
}

namespace {
bool g_buffer_base64 = false;
}  // namespace

void set_buffer_format_base64(bool on) {
    g_buffer_base64 = on;
}

bool buffer_format_base64() {
    return g_buffer_base64;
}

void append_buffer_dots(std::string_view bytes, std::string& out) {
    // Sized once and written through a pointer: the decoder renders every data parameter.
    size_t at = out.size();
    out.resize(at + bytes.size());
    char* p = out.data() + at;
    for (size_t i = 0; i < bytes.size(); ++i) {
        auto u = static_cast<unsigned char>(bytes[i]);
        p[i] = u >= 0x20 && u < 0x7f ? bytes[i] : '.';  // isprint in the C locale
    }
}

void append_base64(std::string_view bytes, std::string& out) {
    static constexpr char kDigits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t w = static_cast<unsigned char>(bytes[i]) << 16 |
                     static_cast<unsigned char>(bytes[i + 1]) << 8 |
                     static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out += kDigits[(w >> shift) & 63];
    }
    size_t left = bytes.size() - i;
    if (left == 0) return;
    uint32_t w = static_cast<unsigned char>(bytes[i]) << 16;
    if (left == 2) w |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kDigits[(w >> 18) & 63];
    out += kDigits[(w >> 12) & 63];
    out += left == 2 ? kDigits[(w >> 6) & 63] : '=';
    out += '=';
}

void append_buffer_text(std::string_view bytes, std::string& out) {
    if (g_buffer_base64)
        append_base64(bytes, out);
    else
        append_buffer_dots(bytes, out);
}

void append_value_text(const FieldDef& def, const Value& v, std::string& out) {
    char buf[24];
    auto num = [&](auto x) {
        auto r = std::to_chars(buf, buf + sizeof buf, x);
        out.append(buf, r.ptr);
    };
    switch (def.type) {
        case FieldType::String:
        case FieldType::Path:
            out += v.str;
            break;
        case FieldType::Bytes:
            append_buffer_text(v.str, out);
            break;
        case FieldType::Int64:
            num(v.i64);
            break;
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
            num(v.u64);
            break;
        case FieldType::Bool:
            out += v.b ? "true" : "false";
            break;
        case FieldType::Ip:
            out += v.ip.to_string();
            break;
        case FieldType::Net:
            out += v.net.to_string();
            break;
        case FieldType::Double: {
            // One decimal, as libs prints a DOUBLE.
            int n = std::snprintf(buf, sizeof buf, "%.1f", v.f64);
            if (n > 0) out.append(buf, std::min(static_cast<size_t>(n), sizeof buf - 1));
            break;
        }
    }
}

}  // namespace sensor::fields
