// The managed clusters' push envelopes: GKE Pub/Sub messages (a base64 LogEntry rebuilt as an
// Event) and AKS diagnostic records.
#include "sensor/k8saudit/cloud_formats.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sensor::k8saudit;

namespace {

std::string base64(std::string_view in) {
    static const char* alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += alpha[(v >> s) & 63];
    }
    if (size_t rest = in.size() - i; rest > 0) {
        uint32_t v = uint8_t(in[i]) << 16;
        if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
        out += alpha[(v >> 18) & 63];
        out += alpha[(v >> 12) & 63];
        out += rest == 2 ? alpha[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// A k8s.io AuditLog LogEntry as a GKE sink publishes it.
std::string log_entry(const std::string& method, const std::string& resource_name,
                      const std::string& extra_payload = "",
                      const std::string& service = "k8s.io") {
    return R"({"insertId":"c0ffee-1","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity",)"
           R"("labels":{"authorization.k8s.io/decision":"allow"},)"
           R"("receiveTimestamp":"2024-05-06T07:08:09.123456789Z","timestamp":"2024-05-06T07:08:09Z",)"
           R"("resource":{"type":"k8s_cluster","labels":{"cluster_name":"prod","location":"europe-west1","project_id":"p"}},)"
           R"("protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog",)"
           R"("serviceName":")" +
           service + R"(","methodName":")" + method + R"(","resourceName":")" + resource_name +
           R"(","authenticationInfo":{"principalEmail":"alice@example.com"},)"
           R"("requestMetadata":{"callerIp":"203.0.113.7","callerSuppliedUserAgent":"kubectl/v1.30 \"q\"\n"})" +
           extra_payload + "}}";
}

std::string pubsub(const std::string& entry) {
    return R"({"message":{"data":")" + base64(entry) +
           R"(","messageId":"1","attributes":{"logging.googleapis.com/timestamp":"x"}},)"
           R"("subscription":"projects/p/subscriptions/falco"})";
}

struct Converted {
    CloudShape shape;
    std::vector<std::string> events;
    std::string error;
};

Converted convert(const std::string& body) {
    simdjson::dom::parser parser;
    Converted c;
    simdjson::dom::element root = parser.parse(body);
    c.shape = convert_cloud_payload(root, c.events, c.error);
    return c;
}

std::string field(simdjson::dom::element e, const char* pointer) {
    auto v = e.at_pointer(pointer);
    if (v.error()) return "<missing>";
    if (v.is_string()) return std::string(v.get_string().value());
    return simdjson::minify(v.value());
}

}  // namespace

TEST(CloudFormats, RebuildsAnEventFromAGkePubSubMessage) {
    Converted c = convert(pubsub(log_entry(
        "io.k8s.core.v1.pods.create", "core/v1/namespaces/default/pods/web-1",
        R"(,"request":{"kind":"Pod","spec":{"containers":[{"image":"nginx"}]}},"response":{"metadata":{"uid":"u-1"}})")));
    ASSERT_EQ(c.shape, CloudShape::GkePubSub);
    EXPECT_EQ(c.error, "");
    ASSERT_EQ(c.events.size(), 1u);
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(c.events[0]).get(e), simdjson::SUCCESS) << c.events[0];
    EXPECT_EQ(field(e, "/kind"), "Event");
    EXPECT_EQ(field(e, "/apiVersion"), "audit.k8s.io/v1");
    EXPECT_EQ(field(e, "/level"), "RequestResponse");
    EXPECT_EQ(field(e, "/auditID"), "c0ffee-1");
    EXPECT_EQ(field(e, "/stage"), "ResponseComplete");
    EXPECT_EQ(field(e, "/verb"), "create");
    EXPECT_EQ(field(e, "/requestURI"), "/core/v1/namespaces/default/pods/web-1");
    EXPECT_EQ(field(e, "/user"), R"({"username":"alice@example.com"})");  // nothing else
    EXPECT_EQ(field(e, "/sourceIPs"), R"(["203.0.113.7"])");
    EXPECT_EQ(field(e, "/userAgent"), "kubectl/v1.30 \"q\"\n");  // escaped, and back
    EXPECT_EQ(
        field(e, "/objectRef"),
        R"({"resource":"pods","namespace":"default","name":"web-1","apiGroup":"core","apiVersion":"v1"})");
    EXPECT_EQ(field(e, "/responseStatus/code"), "201");
    EXPECT_EQ(field(e, "/responseStatus/status"), "Created (inferred)");
    EXPECT_EQ(field(e, "/requestObject/spec/containers/0/image"), "nginx");
    EXPECT_EQ(field(e, "/responseObject/metadata/uid"), "u-1");
    EXPECT_EQ(field(e, "/requestReceivedTimestamp"), "2024-05-06T07:08:09.123456Z");
    EXPECT_EQ(field(e, "/stageTimestamp"), "2024-05-06T07:08:09.123456Z");
    EXPECT_EQ(field(e, "/annotations"),
              R"({"authorization.k8s.io/decision":"allow","cluster_name":"prod",)"
              R"("location":"europe-west1","project_id":"p"})");
}

TEST(CloudFormats, MarksExecAsStartedAndClusterResourcesWithoutNamespace) {
    Converted exec = convert(
        pubsub(log_entry("io.k8s.core.v1.pods.exec.create", "core/v1/namespaces/ns/pods/p/exec")));
    ASSERT_EQ(exec.events.size(), 1u);
    simdjson::dom::parser parser;
    simdjson::dom::element e = parser.parse(exec.events[0]);
    EXPECT_EQ(field(e, "/level"), "Request");
    EXPECT_EQ(field(e, "/stage"), "ResponseStarted");
    EXPECT_EQ(field(e, "/responseStatus/code"), "101");
    EXPECT_EQ(field(e, "/objectRef/subresource"), "exec");
    EXPECT_EQ(field(e, "/verb"), "create");
    EXPECT_EQ(field(e, "/requestObject"), "<missing>");

    Converted role = convert(pubsub(log_entry("io.k8s.authorization.rbac.v1.clusterroles.delete",
                                              "rbac.authorization.k8s.io/v1/clusterroles/admin")));
    ASSERT_EQ(role.events.size(), 1u);
    simdjson::dom::parser parser2;
    simdjson::dom::element r = parser2.parse(role.events[0]);
    EXPECT_EQ(
        field(r, "/objectRef"),
        R"({"resource":"clusterroles","name":"admin","apiGroup":"rbac.authorization.k8s.io","apiVersion":"v1"})");
    EXPECT_EQ(field(r, "/verb"), "delete");
    EXPECT_EQ(field(r, "/responseStatus/code"), "200");

    Converted list =
        convert(pubsub(log_entry("io.k8s.core.v1.pods.list", "core/v1/namespaces/ns/pods")));
    ASSERT_EQ(list.events.size(), 1u);
    simdjson::dom::parser parser3;
    EXPECT_EQ(field(parser3.parse(list.events[0]), "/objectRef"),
              R"({"resource":"pods","namespace":"ns","apiGroup":"core","apiVersion":"v1"})");
}

TEST(CloudFormats, SkipsOtherServicesAndReportsMalformedMessages) {
    Converted other =
        convert(pubsub(log_entry("storage.objects.get", "x/y/z/w", "", "storage.googleapis.com")));
    EXPECT_EQ(other.shape, CloudShape::GkePubSub);
    EXPECT_TRUE(other.events.empty());
    EXPECT_EQ(other.error, "");

    Converted not_b64 = convert(R"({"message":{"data":"***"},"subscription":"s"})");
    EXPECT_EQ(not_b64.shape, CloudShape::GkePubSub);
    EXPECT_NE(not_b64.error, "");
    Converted not_json = convert(R"({"message":{"data":")" + base64("not json") + R"("}})");
    EXPECT_NE(not_json.error, "");
    EXPECT_TRUE(not_json.events.empty());
}

TEST(CloudFormats, TakesTheLogOfAksAuditRecords) {
    std::string ev1 =
        R"({"kind":"Event","auditID":"1","user":{"username":"a","extra":{"k":["v"]}}})";
    std::string ev2 = R"({"kind":"Event","auditID":"2"})";
    auto quoted = [](const std::string& s) {
        std::string out;
        for (char c : s) out += c == '"' ? std::string("\\\"") : std::string(1, c);
        return "\"" + out + "\"";
    };
    Converted c = convert(R"({"records":[)"
                          R"({"category":"kube-audit","properties":{"log":)" +
                          quoted(ev1) +
                          "}},"
                          R"({"category":"kube-apiserver","properties":{"log":"I0101 started"}},)"
                          R"({"category":"kube-audit-admin","properties":{"log":)" +
                          quoted(ev2) + "}}]}");
    EXPECT_EQ(c.shape, CloudShape::AksRecords);
    EXPECT_EQ(c.error, "");
    EXPECT_EQ(c.events, (std::vector<std::string>{ev1, ev2}));

    Converted bad = convert(R"({"records":[{"category":"kube-audit","properties":{}},)"
                            R"({"category":"kube-audit","properties":{"log":"{}"}}]})");
    EXPECT_EQ(bad.shape, CloudShape::AksRecords);
    EXPECT_NE(bad.error, "");
    EXPECT_EQ(bad.events, std::vector<std::string>{"{}"});  // the good record still counts
    EXPECT_EQ(convert(R"({"records":"x"})").shape, CloudShape::AksRecords);
}

TEST(CloudFormats, LeavesPlainAuditPayloadsAlone) {
    for (const char* body : {R"({"kind":"EventList","items":[]})",
                             R"({"kind":"Event","message":"x"})", R"([{"kind":"Event"}])", "42"}) {
        Converted c = convert(body);
        EXPECT_EQ(c.shape, CloudShape::None) << body;
        EXPECT_TRUE(c.events.empty());
    }
}

TEST(CloudFormats, DecodesBase64BothAlphabets) {
    std::string out;
    ASSERT_TRUE(base64_decode(base64("any carnal pleas"), out));
    EXPECT_EQ(out, "any carnal pleas");
    ASSERT_TRUE(base64_decode("-_8", out));  // URL-safe, unpadded
    EXPECT_EQ(out, "\xfb\xff");
    EXPECT_FALSE(base64_decode("ab$d", out));
    EXPECT_FALSE(base64_decode("a", out));
}
