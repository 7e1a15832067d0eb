#pragma once
// Private to the k8saudit module: what the field files share.
#include <deque>
#include <string>
#include <vector>

#include "sensor/fields/registry.h"
#include "sensor/k8saudit/audit_event.h"
#include "sensor/k8saudit/json_value.h"

namespace sensor::k8saudit::detail {

using fields::ArgKind;
using fields::FieldArg;
using fields::FieldDef;
using fields::FieldType;
using fields::Value;
using json::element;

// The event's audit record when it has an auditID: the plugin yields no ka.* field without one.
inline const AuditEvent* ka_event(const fields::Event& ev) {
    auto* a = static_cast<const AuditEvent*>(ev.payload);
    return a && a->has(Top::kAuditId) ? a : nullptr;
}
// The event's audit record, whatever it holds (jevt.* reads any JSON event).
inline const AuditEvent* any_event(const fields::Event& ev) {
    return static_cast<const AuditEvent*>(ev.payload);
}

// Produces value number `want` of a list field: each candidate is offered in order, and the
// one at that position is written to `out`. JSON nulls are not values.
struct Emitter {
    uint32_t want;
    Value& out;
    std::string& scratch;
    uint32_t seen = 0;
    bool done = false;

    // True once the wanted value is written: the caller stops.
    bool offer(element e) {
        if (e.is_null() || seen++ != want) return false;
        done = json::put_text(e, out, scratch);
        return true;
    }
    bool offer_view(std::string_view s) {
        if (seen++ != want) return false;
        out.str = s;
        done = true;
        return true;
    }
    // The value is built (into scratch) only when it is the wanted one.
    template <typename Build>
    bool offer_built(Build&& build) {
        if (seen++ != want) return false;
        scratch.clear();
        build(scratch);
        out.str = scratch;
        done = true;
        return true;
    }
};

// Each element of array `arr`, or only element `arg.index` when the field has [i].
template <typename Each>
void for_selected(element arr, const FieldArg& arg, Each&& each) {
    simdjson::dom::array a;
    if (arr.get_array().get(a)) return;
    if (arg.present) {
        element e;
        if (!a.at(static_cast<size_t>(arg.index)).get(e)) each(e);
        return;
    }
    for (element e : a)
        if (each(e)) return;
}

inline FieldDef list_field(std::string_view name, ArgKind arg, std::string_view desc,
                           fields::ExtractFn fn) {
    FieldDef d{name, FieldType::String, arg, desc, fn};
    d.list_valued = true;
    return d;
}
inline FieldDef deprecated(FieldDef d) {
    d.deprecated = true;
    return d;
}

// Generated field names (the pod-spec families) need storage that outlives the registry.
inline std::string_view stored_name(std::string name) {
    static std::deque<std::string> names;
    return names.emplace_back(std::move(name));
}

// Field families, one per file.
void add_event_fields(std::vector<FieldDef>& out);  // audit_fields.cpp
void add_pod_fields(std::vector<FieldDef>& out);    // pod_fields.cpp
void add_json_fields(std::vector<FieldDef>& out);   // jevt_fields.cpp

}  // namespace sensor::k8saudit::detail
