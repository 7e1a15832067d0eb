// ka.* fields of the event as a whole: identity, request, target, response, annotations,
// bindings, roles, services and config maps. Pod specs are in pod_fields.cpp.
#include <utility>

#include "field_util.h"

namespace sensor::k8saudit::detail {
namespace {

// A single value at a member path: a top-level member, then up to two keys below it.
struct MemberField {
    std::string_view name;
    Top top;
    std::array<std::string_view, 2> keys;
    uint8_t depth;
    std::string_view desc;
};

constexpr MemberField kMemberFields[] = {
    {"ka.auditid", Top::kAuditId, {}, 0, "the ID of the audit event"},
    {"ka.stage",
     Top::kStage,
     {},
     0,
     "stage of the request (e.g. RequestReceived, ResponseComplete)"},
    {"ka.auth.decision",
     Top::kAnnotations,
     {"authorization.k8s.io/decision"},
     1,
     "authorization decision (allow or forbid)"},
    {"ka.auth.reason",
     Top::kAnnotations,
     {"authorization.k8s.io/reason"},
     1,
     "authorization reason"},
    {"ka.auth.openshift.decision",
     Top::kAnnotations,
     {"authentication.openshift.io/decision"},
     1,
     "authentication decision of an OpenShift cluster (allow, forbid, in-progress)"},
    {"ka.auth.openshift.username",
     Top::kAnnotations,
     {"authentication.openshift.io/username"},
     1,
     "user name of an OpenShift authentication attempt"},
    {"ka.validations.admission.policy.failure",
     Top::kAnnotations,
     {"validation.policy.admission.k8s.io/validation_failure"},
     1,
     "validation failures of admission policies"},
    {"ka.security.pod.violations",
     Top::kAnnotations,
     {"pod-security.kubernetes.io/audit-violations"},
     1,
     "pod security audit violations"},
    {"ka.user.name", Top::kUser, {"username"}, 1, "user name performing the request"},
    {"ka.impuser.name", Top::kImpersonatedUser, {"username"}, 1, "impersonated user name"},
    {"ka.verb", Top::kVerb, {}, 0, "action being performed"},
    {"ka.uri", Top::kRequestUri, {}, 0, "request URI as sent from client to server"},
    {"ka.target.name", Top::kObjectRef, {"name"}, 1, "target object name"},
    {"ka.target.namespace", Top::kObjectRef, {"namespace"}, 1, "target object namespace"},
    {"ka.target.resource", Top::kObjectRef, {"resource"}, 1, "target object resource"},
    {"ka.target.subresource", Top::kObjectRef, {"subresource"}, 1, "target object subresource"},
    {"ka.req.binding.role",
     Top::kRequestObject,
     {"roleRef", "name"},
     2,
     "role being bound by a role binding request"},
    {"ka.req.configmap.name",
     Top::kObjectRef,
     {"name"},
     1,
     "name of the configmap of a configmap request"},
    {"ka.req.service.type",
     Top::kRequestObject,
     {"spec", "type"},
     2,
     "service type of a service request"},
    {"ka.resp.name", Top::kResponseObject, {"metadata", "name"}, 2, "response object name"},
    {"ka.response.code", Top::kResponseStatus, {"code"}, 1, "response code"},
    {"ka.response.reason",
     Top::kResponseStatus,
     {"reason"},
     1,
     "response reason (usually only on failures)"},
    {"ka.useragent", Top::kUserAgent, {}, 0, "user agent of the client (set by the client)"},
    {"ka.cluster.name",
     Top::kAnnotations,
     {"cluster_name"},
     1,
     "cluster name (GKE sets it; other clusters do not)"},
    // Sensor additions: what rules need and the plugin hides (docs/fields.md).
    {"ka.user.uid", Top::kUser, {"uid"}, 1, "uid of the user performing the request (sensor)"},
    {"ka.impuser.uid", Top::kImpersonatedUser, {"uid"}, 1, "uid of the impersonated user (sensor)"},
    {"ka.level", Top::kLevel, {}, 0, "audit level: Metadata, Request or RequestResponse (sensor)"},
    {"ka.target.uid",
     Top::kObjectRef,
     {"uid"},
     1,
     "target object uid; usually empty for create and exec (sensor)"},
    {"ka.target.apigroup",
     Top::kObjectRef,
     {"apiGroup"},
     1,
     "API group of the target; absent for the core group (sensor)"},
    {"ka.resp.uid",
     Top::kResponseObject,
     {"metadata", "uid"},
     2,
     "uid of the response object, e.g. a created pod's uid (sensor)"},
    {"ka.resp.serviceaccount",
     Top::kResponseObject,
     {"spec", "serviceAccountName"},
     2,
     "service account of a pod in the response (sensor)"},
};

template <size_t I>
bool member_field(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
                  std::string& scratch) {
    const MemberField& f = kMemberFields[I];
    const AuditEvent* a = ka_event(ev);
    element e;
    if (!a || !a->get(f.top, e)) return false;
    for (uint8_t i = 0; i < f.depth; ++i)
        if (!json::member(e, f.keys[i], e)) return false;
    return json::put_text(e, out, scratch);
}

template <size_t... I>
void add_member_fields(std::vector<FieldDef>& f, std::index_sequence<I...>) {
    (f.push_back(FieldDef{kMemberFields[I].name, FieldType::String, ArgKind::None,
                          kMemberFields[I].desc, member_field<I>}),
     ...);
}

// A list: the elements of an array at a member path (each as text), optionally flattened
// through a member of each element that is itself an array (role rules' verbs ...).
struct ArrayField {
    std::string_view name;
    Top top;
    std::array<std::string_view, 2> keys;
    uint8_t depth;
    std::string_view inner;  // empty: the elements themselves
    bool indexed;            // takes [i]: element (rule, port, address) i only
    std::string_view desc;
};

constexpr ArrayField kArrayFields[] = {
    {"ka.user.groups",
     Top::kUser,
     {"groups"},
     1,
     {},
     false,
     "groups of the user performing the request"},
    {"ka.req.binding.subjects",
     Top::kRequestObject,
     {"subjects"},
     1,
     {},
     false,
     "subjects of a role binding request, each as JSON"},
    {"ka.req.role.rules",
     Top::kRequestObject,
     {"rules"},
     1,
     {},
     false,
     "rules of a role request, each as JSON"},
    {"ka.req.role.rules.apiGroups",
     Top::kRequestObject,
     {"rules"},
     1,
     "apiGroups",
     true,
     "API groups of the rules of a role request; [i] picks rule i"},
    {"ka.req.role.rules.nonResourceURLs",
     Top::kRequestObject,
     {"rules"},
     1,
     "nonResourceURLs",
     true,
     "non-resource URLs of the rules of a role request; [i] picks rule i"},
    {"ka.req.role.rules.verbs",
     Top::kRequestObject,
     {"rules"},
     1,
     "verbs",
     true,
     "verbs of the rules of a role request; [i] picks rule i"},
    {"ka.req.role.rules.resources",
     Top::kRequestObject,
     {"rules"},
     1,
     "resources",
     true,
     "resources of the rules of a role request; [i] picks rule i"},
    {"ka.req.service.ports",
     Top::kRequestObject,
     {"spec", "ports"},
     2,
     {},
     true,
     "ports of a service request, each as JSON"},
    // Corrected: the plugin reads requestObject.rules[*].sourceIPs (docs/fields.md).
    {"ka.sourceips",
     Top::kSourceIps,
     {},
     0,
     {},
     true,
     "source IPs of the request: X-Forwarded-For, X-Real-Ip, then the connection's address"},
    {"ka.impuser.groups",
     Top::kImpersonatedUser,
     {"groups"},
     1,
     {},
     false,
     "groups of the impersonated user (sensor)"},
};

template <size_t I>
bool array_field(const fields::Event& ev, const FieldArg& arg, uint32_t n, Value& out,
                 std::string& scratch) {
    const ArrayField& f = kArrayFields[I];
    const AuditEvent* a = ka_event(ev);
    element e;
    if (!a || !a->get(f.top, e)) return false;
    for (uint8_t i = 0; i < f.depth; ++i)
        if (!json::member(e, f.keys[i], e)) return false;
    Emitter em{n, out, scratch};
    for_selected(e, arg, [&](element item) {
        if (f.inner.empty()) return em.offer(item);
        element inner;
        if (!json::member(item, f.inner, inner)) return false;
        simdjson::dom::array values;
        if (inner.get_array().get(values)) return em.offer(inner);
        for (element v : values)
            if (em.offer(v)) return true;
        return false;
    });
    return em.done;
}

template <size_t... I>
void add_array_fields(std::vector<FieldDef>& f, std::index_sequence<I...>) {
    (f.push_back(list_field(kArrayFields[I].name,
                            kArrayFields[I].indexed ? ArgKind::IndexOpt : ArgKind::None,
                            kArrayFields[I].desc, array_field<I>)),
     ...);
}

// ka.target.pod.name: the pod's name from the response, for pod requests without subresource.
bool target_pod_name(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
                     std::string& scratch) {
    const AuditEvent* a = ka_event(ev);
    element ref, v, resp;
    std::string_view resource;
    if (!a || !a->get(Top::kObjectRef, ref) || !json::member(ref, "resource", v) ||
        v.get_string().get(resource) || resource != "pods" || json::member(ref, "subresource", v))
        return false;
    return a->get(Top::kResponseObject, resp) && json::walk(resp, {"metadata", "name"}, v) &&
           json::put_text(v, out, scratch);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Query-string decoding as Go's url.ParseQuery: '+' is a space, %XX a byte.
void query_unescape(std::string_view in, std::string& out) {
    out.clear();
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out += ' ';
        } else if (in[i] == '%' && i + 2 < in.size() && hex_digit(in[i + 1]) >= 0 &&
                   hex_digit(in[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(in[i + 1]) * 16 + hex_digit(in[i + 2]));
            i += 2;
        } else {
            out += in[i];
        }
    }
}

// ka.uri.param[KEY]: the first value of a query parameter of the request URI.
bool uri_param(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
               std::string& scratch) {
    const AuditEvent* a = ka_event(ev);
    element e;
    std::string_view uri;
    if (!a || !a->get(Top::kRequestUri, e) || e.get_string().get(uri)) return false;
    size_t q = uri.find('?');
    if (q == std::string_view::npos) return false;
    std::string_view query = uri.substr(q + 1);
    std::string key;
    while (!query.empty()) {
        size_t amp = query.find_first_of("&;");
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        size_t eq = pair.find('=');
        query_unescape(pair.substr(0, eq), key);
        if (key != arg.key) continue;
        query_unescape(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                       scratch);
        out.str = scratch;
        return true;
    }
    return false;
}

// The first string of `user.extra[KEY]` (or of impersonatedUser's): values are string arrays.
bool extra_value(const AuditEvent* a, Top who, const FieldArg& arg, Value& out,
                 std::string& scratch) {
    element e, values, first;
    if (!a || !a->get(who, e) || !json::walk(e, {"extra"}, e) || !json::member(e, arg.key, values))
        return false;
    if (values.is_array()) return !values.at(0).get(first) && json::put_text(first, out, scratch);
    return json::put_text(values, out, scratch);
}

bool user_extra(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                std::string& scratch) {
    return extra_value(ka_event(ev), Top::kUser, arg, out, scratch);
}

bool impuser_extra(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                   std::string& scratch) {
    return extra_value(ka_event(ev), Top::kImpersonatedUser, arg, out, scratch);
}

// ka.annotation[KEY]: any annotation of the event.
bool annotation(const fields::Event& ev, const FieldArg& arg, uint32_t, Value& out,
                std::string& scratch) {
    const AuditEvent* a = ka_event(ev);
    element e;
    return a && a->get(Top::kAnnotations, e) && json::member(e, arg.key, e) &&
           json::put_text(e, out, scratch);
}

// ka.sourceip: the last source IP, the connection's own address (the others come from
// headers a client can set).
bool source_ip(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
               std::string& scratch) {
    const AuditEvent* a = ka_event(ev);
    element e;
    simdjson::dom::array ips;
    if (!a || !a->get(Top::kSourceIps, e) || e.get_array().get(ips) || ips.size() == 0)
        return false;
    return !ips.at(ips.size() - 1).get(e) && json::put_text(e, out, scratch);
}

// Binding subjects of one kind: their names (or "ns:name" for service accounts).
template <int Kind>
bool binding_subjects(const fields::Event& ev, const FieldArg&, uint32_t n, Value& out,
                      std::string& scratch) {
    static constexpr std::string_view kKinds[] = {"User", "Group", "ServiceAccount",
                                                  "ServiceAccount"};
    const AuditEvent* a = ka_event(ev);
    element e;
    if (!a || !a->get(Top::kRequestObject, e) || !json::member(e, "subjects", e)) return false;
    Emitter em{n, out, scratch};
    for_selected(e, FieldArg{}, [&](element s) {
        element kind, name, ns;
        std::string_view k, nm, nsv;
        if (!json::member(s, "kind", kind) || kind.get_string().get(k) || k != kKinds[Kind] ||
            !json::member(s, "name", name) || name.get_string().get(nm))
            return false;
        if (Kind != 3) return em.offer_view(nm);
        if (json::member(s, "namespace", ns) && ns.get_string().get(nsv)) nsv = {};
        return em.offer_built([&](std::string& b) {
            b.append(nsv);
            b += ':';
            b.append(nm);
        });
    });
    return em.done;
}

// Deprecated; the plugin answers "true" whatever the name.
bool subject_has_name(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
                      std::string&) {
    element e;
    const AuditEvent* a = ka_event(ev);
    if (!a || !a->get(Top::kRequestObject, e) || !json::member(e, "subjects", e)) return false;
    out.str = "true";
    return true;
}

bool configmap_obj(const fields::Event& ev, const FieldArg&, uint32_t, Value& out,
                   std::string& scratch) {
    const AuditEvent* a = ka_event(ev);
    element e;
    return a && a->get(Top::kRequestObject, e) && json::member(e, "data", e) &&
           json::put_text(e, out, scratch);
}

}  // namespace

void add_event_fields(std::vector<FieldDef>& f) {
    add_member_fields(f, std::make_index_sequence<std::size(kMemberFields)>());
    add_array_fields(f, std::make_index_sequence<std::size(kArrayFields)>());
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        {"ka.target.pod.name", FT::String, AK::None,
         "name of the pod of a pod request without subresource (from the response)",
         target_pod_name},
        {"ka.uri.param", FT::String, AK::Key,
         "first value of a query parameter of the request URI: ka.uri.param[command]", uri_param},
        list_field("ka.req.binding.subjects.user_names", AK::None,
                   "names of the User subjects of a role binding request", binding_subjects<0>),
        list_field("ka.req.binding.subjects.group_names", AK::None,
                   "names of the Group subjects of a role binding request", binding_subjects<1>),
        list_field("ka.req.binding.subjects.serviceaccount_names", AK::None,
                   "names of the ServiceAccount subjects of a role binding request",
                   binding_subjects<2>),
        list_field("ka.req.binding.subjects.serviceaccount_ns_names", AK::None,
                   "namespace:name of the ServiceAccount subjects of a role binding request",
                   binding_subjects<3>),
        deprecated({"ka.req.binding.subject.has_name", FT::String, AK::Key,
                    "deprecated, always true", subject_has_name}),
        {"ka.req.configmap.obj", FT::String, AK::None, "data of a configmap request, as JSON",
         configmap_obj},
        {"ka.user.extra", FT::String, AK::Key,
         "first value of an extra of the user: "
         "ka.user.extra[authentication.kubernetes.io/pod-uid] (sensor)",
         user_extra},
        {"ka.impuser.extra", FT::String, AK::Key,
         "first value of an extra of the impersonated user (sensor)", impuser_extra},
        {"ka.annotation", FT::String, AK::Key,
         "an annotation of the audit event: ka.annotation[authentication.k8s.io/legacy-token] "
         "(sensor)",
         annotation},
        {"ka.sourceip", FT::String, AK::None,
         "the last source IP: the address of the connection to the API server, which a client "
         "cannot set (sensor)",
         source_ip},
    };
    f.insert(f.end(), std::begin(table), std::end(table));
}

}  // namespace sensor::k8saudit::detail
