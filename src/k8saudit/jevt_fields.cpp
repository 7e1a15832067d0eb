// The json plugin's fields (json.*, with their jevt.* aliases) over the audit event: a value
// by RFC 6901 pointer, the whole event, and the event time.
#include <charconv>

#include "field_util.h"

namespace sensor::k8saudit::detail {
namespace {

// jevt.value[/ptr]. The first token of most pointers in rules names a top-level member
// (`/stage`, `/user/...`): it is taken from the event's index instead of a scan.
bool json_value(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                std::string& scratch) {
    const AuditEvent* a = any_event(ev);
    if (!a) return false;
    std::string_view ptr = arg.key;
    element start = a->root;
    if (ptr.size() > 1) {
        size_t end = ptr.find('/', 1);
        std::string_view first = ptr.substr(1, end == std::string_view::npos ? end : end - 1);
        Top t = top_slot(first);
        if (t != Top::kCount) {
            if (!a->get(t, start)) return false;
            ptr = end == std::string_view::npos ? std::string_view{} : ptr.substr(end);
        }
    }
    element v;
    if (!json::pointer(start, ptr, v, scratch)) return false;
    return json::put_any(v, out, scratch);
}

bool check_pointer(const FieldArg& arg, std::string& error) {
    return json::valid_pointer(arg.key, error);
}

bool json_obj(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
              std::string& scratch) {
    const AuditEvent* a = any_event(ev);
    if (!a) return false;
    json::indented(a->root, scratch);
    out.str = scratch;
    return true;
}

bool json_rawtime(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
                  std::string& scratch) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, ev.ts);
    scratch.assign(buf, r.ptr);
    out.str = scratch;
    return true;
}

}  // namespace

void add_json_fields(std::vector<FieldDef>& f) {
    for (std::string_view prefix : {"json.", "jevt."}) {
        FieldDef value{stored_name(std::string(prefix) + "value"), FieldType::String, ArgKind::Key,
                       "a value of the event by JSON pointer (RFC 6901): "
                       "jevt.value[/user/extra/authentication.kubernetes.io~1pod-uid/0]",
                       json_value};
        value.check_arg = check_pointer;
        f.push_back(value);
        f.push_back({stored_name(std::string(prefix) + "obj"), FieldType::String, ArgKind::None,
                     "the whole event as indented JSON", json_obj});
        f.push_back({stored_name(std::string(prefix) + "rawtime"), FieldType::String, ArgKind::None,
                     "the event time, ns since the epoch", json_rawtime});
    }
}

}  // namespace sensor::k8saudit::detail
