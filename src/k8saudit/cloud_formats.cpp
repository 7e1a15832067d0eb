#include "sensor/k8saudit/cloud_formats.h"

#include <array>
#include <map>

#include "sensor/fields/json_text.h"

namespace sensor::k8saudit {
namespace {

using simdjson::dom::element;

std::string quote(std::string_view s) {
    std::string out;
    fields::append_json_string(out, s);
    return out;
}

// A JSON object written member by member, in the order the API server's Event has them.
class JsonObject {
  public:
    JsonObject& raw(std::string_view key, std::string_view json) {
        if (!body_.empty()) body_ += ',';
        body_ += quote(key);
        body_ += ':';
        body_ += json;
        return *this;
    }
    JsonObject& str(std::string_view key, std::string_view value) { return raw(key, quote(value)); }
    JsonObject& str_if(std::string_view key, std::string_view value) {
        return value.empty() ? *this : str(key, value);
    }
    std::string text() const { return "{" + body_ + "}"; }

  private:
    std::string body_;
};

std::string_view string_at(element e, std::string_view pointer) {
    std::string_view v;
    return e.at_pointer(pointer).get_string().get(v) == simdjson::SUCCESS ? v : std::string_view{};
}

// LogEntry times have nanoseconds; the Event's MicroTime has exactly six digits, in UTC.
std::string micro_time(std::string_view t) {
    if (t.size() < 20 || t.back() != 'Z' || (t[19] != '.' && t[19] != 'Z')) return std::string(t);
    std::string frac(t.size() > 20 ? t.substr(20, t.size() - 21) : std::string_view{});
    frac.resize(6, '0');
    return std::string(t.substr(0, 19)) + "." + frac + "Z";
}

struct ObjectRef {
    std::string_view group, version, ns, resource, name, sub;
    bool ok = false;
};

// resourceName: group/version/[namespaces/NS/]resource[/name[/subresource]].
ObjectRef split_resource_name(std::string_view rn) {
    std::vector<std::string_view> p;
    for (size_t start = 0;;) {
        size_t slash = rn.find('/', start);
        p.push_back(rn.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    ObjectRef r;
    if (rn.empty() || p.size() < 4) return r;
    r.group = p[0], r.version = p[1], r.ok = true;
    bool namespaced = p[2] == "namespaces" && p.size() >= 5;
    if (namespaced) {
        r.ns = p[3], r.resource = p[4];
        if (p.size() >= 6) r.name = p[5];
        if (p.size() >= 7) r.sub = p[6];
    } else {
        r.resource = p[2], r.name = p[3];
        if (p.size() >= 5) r.sub = p[4];
    }
    return r;
}

std::string object_ref_json(const ObjectRef& r) {
    return JsonObject()
        .str_if("resource", r.resource)
        .str_if("namespace", r.ns)
        .str_if("name", r.name)
        .str_if("apiGroup", r.group)
        .str_if("apiVersion", r.version)
        .str_if("subresource", r.sub)
        .text();
}

std::string status_json(int code, std::string_view text) {
    return JsonObject()
        .raw("metadata", "{}")
        .str("status", text)
        .str("message", text)
        .raw("code", std::to_string(code))
        .text();
}

// The LogEntry's labels, then its resource's (cluster_name, location, project_id), sorted by
// key as a Go map is marshalled.
std::string annotations_json(element entry) {
    std::map<std::string_view, std::string_view> labels;
    for (const char* pointer : {"/labels", "/resource/labels"}) {
        simdjson::dom::object obj;
        if (entry.at_pointer(pointer).get_object().get(obj) != simdjson::SUCCESS) continue;
        for (auto [key, value] : obj) {
            std::string_view v;
            if (value.get_string().get(v) == simdjson::SUCCESS) labels[key] = v;
        }
    }
    JsonObject out;
    for (auto [k, v] : labels) out.str(k, v);
    return out.text();
}

void add_object(JsonObject& event, std::string_view key, element payload, const char* pointer) {
    element obj;
    if (payload.at_pointer(pointer).get(obj) == simdjson::SUCCESS && obj.is_object())
        event.raw(key, simdjson::minify(obj));
}

}  // namespace

bool gke_log_entry_to_event(element entry, std::string& event, std::string& error) {
    if (string_at(entry, "/resource/type") != "k8s_cluster" ||
        string_at(entry, "/protoPayload/serviceName") != "k8s.io") {
        error = "skipped: not a k8s.io AuditLog of a k8s_cluster";
        return false;
    }
    element payload;
    if (entry.at_pointer("/protoPayload").get(payload) != simdjson::SUCCESS) return false;
    std::string_view method = string_at(payload, "/methodName");
    std::string_view verb = method.substr(method.rfind('.') + 1);  // npos + 1 == 0
    std::string_view resource_name = string_at(payload, "/resourceName");
    ObjectRef ref = split_resource_name(resource_name);
    // GKE logs no response status: it is inferred from the verb, so failures look like
    // successes; exec and attach only ever log their start.
    bool streaming = ref.ok && (ref.sub == "exec" || ref.sub == "attach");
    std::string status = streaming          ? status_json(101, "Switching Protocols (inferred)")
                         : verb == "create" ? status_json(201, "Created (inferred)")
                                            : status_json(200, "OK (inferred)");
    std::string when = quote(micro_time(string_at(entry, "/receiveTimestamp")));
    std::string_view ip = string_at(payload, "/requestMetadata/callerIp");

    JsonObject e;
    e.str("kind", "Event").str("apiVersion", "audit.k8s.io/v1");
    e.str("level", streaming ? "Request" : "RequestResponse");
    e.str("auditID", string_at(entry, "/insertId"));
    e.str("stage", streaming ? "ResponseStarted" : "ResponseComplete");
    e.str("requestURI", "/" + std::string(resource_name)).str("verb", verb);
    e.raw("user", JsonObject()
                      .str("username", string_at(payload, "/authenticationInfo/principalEmail"))
                      .text());
    if (!ip.empty()) e.raw("sourceIPs", "[" + quote(ip) + "]");
    e.str_if("userAgent", string_at(payload, "/requestMetadata/callerSuppliedUserAgent"));
    if (ref.ok) e.raw("objectRef", object_ref_json(ref));
    e.raw("responseStatus", status);
    add_object(e, "requestObject", payload, "/request");
    add_object(e, "responseObject", payload, "/response");
    e.raw("requestReceivedTimestamp", when).raw("stageTimestamp", when);
    e.raw("annotations", annotations_json(entry));
    event = e.text();
    return true;
}

bool base64_decode(std::string_view in, std::string& out) {
    static const std::array<int8_t, 256> table = [] {
        std::array<int8_t, 256> t{};
        t.fill(-1);
        const char* std_alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(std_alpha[i])] = int8_t(i);
        t['-'] = 62;  // URL-safe alphabet
        t['_'] = 63;
        return t;
    }();
    while (!in.empty() && in.back() == '=') in.remove_suffix(1);
    if (in.size() % 4 == 1) return false;
    out.clear();
    out.reserve(in.size() / 4 * 3 + 2);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int8_t v = table[static_cast<unsigned char>(c)];
        if (v < 0) return false;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return true;
}

namespace {

CloudShape convert_pubsub(element message, std::vector<std::string>& events, std::string& error) {
    std::string entry_text;
    if (!base64_decode(string_at(message, "/data"), entry_text)) {
        error = "Pub/Sub message: data is not base64";
        return CloudShape::GkePubSub;
    }
    simdjson::dom::parser parser;
    element entry;
    if (parser.parse(entry_text).get(entry) != simdjson::SUCCESS || !entry.is_object()) {
        error = "Pub/Sub message: data is not a JSON LogEntry";
        return CloudShape::GkePubSub;
    }
    std::string event, why;
    if (gke_log_entry_to_event(entry, event, why))
        events.push_back(std::move(event));
    else if (!why.starts_with("skipped"))
        error = "Pub/Sub message: " + why;
    return CloudShape::GkePubSub;
}

CloudShape convert_aks(simdjson::dom::array records, std::vector<std::string>& events,
                       std::string& error) {
    size_t index = 0;
    for (element record : records) {
        std::string_view category = string_at(record, "/category");
        if (category != "kube-audit" && category != "kube-audit-admin") {
            ++index;
            continue;  // other diagnostic categories share the Event Hub
        }
        std::string_view log;
        if (record.at_pointer("/properties/log").get_string().get(log) != simdjson::SUCCESS) {
            if (error.empty())
                error = "AKS record " + std::to_string(index) + ": no properties.log string";
        } else {
            events.emplace_back(log);
        }
        ++index;
    }
    return CloudShape::AksRecords;
}

}  // namespace

CloudShape convert_cloud_payload(element root, std::vector<std::string>& events,
                                 std::string& error) {
    if (!root.is_object()) return CloudShape::None;
    element message;
    if (root.at_key("message").get(message) == simdjson::SUCCESS && message.is_object() &&
        message.at_key("data").error() == simdjson::SUCCESS)
        return convert_pubsub(message, events, error);
    element records;
    if (root.at_key("records").get(records) == simdjson::SUCCESS) {
        simdjson::dom::array list;
        if (records.get_array().get(list) != simdjson::SUCCESS) {
            error = "AKS body: records is not an array";
            return CloudShape::AksRecords;
        }
        return convert_aks(list, events, error);
    }
    return CloudShape::None;
}

}  // namespace sensor::k8saudit
