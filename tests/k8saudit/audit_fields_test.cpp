// Every field of the k8s_audit source on events that exercise it: values, list semantics
// (flattening, [i], skipped containers, absent when empty), missing values, JSON pointer
// escapes, and each place the sensor deliberately differs from the k8saudit plugin
// (docs/fields.md, "k8s_audit: differences from the plugin").
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sensor/fields/registry.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"

using namespace sensor;

namespace {

const fields::SourceId kSource = k8saudit::k8s_audit_source();

// A pod spec used both by a Pod and as the template of workloads.
const std::string kSpec = R"({
  "type":"NodePort","ports":[{"port":80,"protocol":"TCP"},{"port":443}],
  "hostNetwork":true,"hostPID":false,
  "securityContext":{"runAsUser":1000,"runAsGroup":2000,"fsGroup":3000,"supplementalGroups":[4,5]},
  "containers":[
    {"name":"c1","image":"reg:5000/team/app:1.2","command":["sh","-c"],"args":["echo","hi"],
     "securityContext":{"privileged":true,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,
       "runAsUser":10,"runAsGroup":20,"procMount":"Default","capabilities":{"add":["NET_ADMIN","SYS_TIME"]}},
     "ports":[{"containerPort":8080},{"containerPort":9090,"hostPort":19090}]},
    {"name":"c2","image":"nginx@sha256:abcd"}],
  "initContainers":[{"name":"i1","image":"busybox:1.36","securityContext":{"privileged":false,"runAsGroup":7}}],
  "ephemeralContainers":[{"name":"e1","image":"debug","securityContext":{"runAsUser":0}}],
  "volumes":[{"name":"v1","hostPath":{"path":"/etc/kubernetes","type":"Directory"}},
             {"name":"v2","flexVolume":{"driver":"acme/d1"}},{"name":"v3","emptyDir":{}}]})";

std::string event_json(const std::string& resource, const std::string& request_object) {
    return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a-1",
  "stage":"ResponseComplete",
  "requestURI":"/api/v1/namespaces/ns1/)" +
           resource + R"(?command=sh&command=-c&container=c1&q=a%2Fb+c",
  "verb":"create",
  "user":{"username":"system:serviceaccount:ns1:sa1","uid":"u-1",
    "groups":["system:serviceaccounts","system:authenticated"],
    "extra":{"authentication.kubernetes.io/pod-uid":["pod-uid-0"],"authentication.kubernetes.io/pod-name":["p0"]}},
  "impersonatedUser":{"username":"imp","uid":"iu-1","groups":["g1","g2"],"extra":{"scopes":["s1","s2"]}},
  "sourceIPs":["10.0.0.1","192.168.1.5"],"userAgent":"kubectl/v1.30.0",
  "objectRef":{"resource":")" +
           resource +
           R"(","namespace":"ns1","name":"obj1","uid":"obj-uid","apiGroup":"apps","apiVersion":"v1"},
  "responseStatus":{"metadata":{},"code":201,"reason":"Created"},
  "requestObject":)" +
           request_object + R"(,
  "responseObject":{"metadata":{"name":"obj1","uid":"new-uid"},"spec":{"serviceAccountName":"sa1"}},
  "requestReceivedTimestamp":"2024-05-01T10:00:00.100000Z","stageTimestamp":"2024-05-01T10:00:00.123456Z",
  "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed",
    "authentication.openshift.io/decision":"allow","authentication.openshift.io/username":"osu",
    "validation.policy.admission.k8s.io/validation_failure":"vf","pod-security.kubernetes.io/audit-violations":"pv",
    "cluster_name":"prod","authentication.k8s.io/legacy-token":"system:serviceaccount:ns1:old","a/~b":"esc"}})";
}

// A Pod request whose object also carries what binding, role and configmap fields read.
const std::string kPodObject = R"({"kind":"Pod","data":{"k":"v"},"roleRef":{"name":"cluster-admin"},
  "subjects":[{"kind":"User","name":"alice"},{"kind":"Group","name":"devs"},
              {"kind":"ServiceAccount","name":"sa2","namespace":"ns2"}],
  "rules":[{"apiGroups":[""],"resources":["pods","secrets"],"verbs":["get"]},
           {"nonResourceURLs":["/healthz"],"verbs":["*"]}],
  "spec":)" + kSpec + "}";

using Values = std::vector<std::string>;

// The values of a field on the event (empty: absent). `arg` as written inside [...].
struct Extracted {
    Values values;
    bool list = false;
};

Extracted extract(const fields::Event& ev, const std::string& name, const std::string* arg) {
    std::string err;
    auto ref = fields::resolve_field(name, arg, err, kSource);
    EXPECT_TRUE(ref) << name << ": " << err;
    Extracted out;
    if (!ref) return out;
    out.list = ref->def->list_valued;
    std::string scratch;
    fields::Value v;
    for (uint32_t n = 0; ref->def->extract(ev, ref->arg, n, v, scratch); ++n) {
        if (ref->def->type == fields::FieldType::Uint64)
            out.values.push_back(std::to_string(v.u64));
        else
            out.values.emplace_back(v.str);
        if (!ref->multi()) break;
    }
    return out;
}

// Decodes one event and runs f on it.
template <typename F>
void with_event(const std::string& json, F&& f) {
    k8saudit::AuditDecoder dec;
    int seen = 0;
    std::string compact;
    for (char c : json)
        if (c != '\n') compact += c;
    dec.decode(compact, [&](const fields::Event& ev) {
        ++seen;
        f(ev);
    });
    ASSERT_EQ(seen, 1) << (dec.take_first_reports().empty() ? "" : dec.take_first_reports()[0]);
}

struct Case {
    std::string field;
    std::string arg;  // "" = no argument
    Values want;
    bool has_arg = false;
};

Case c(std::string f, Values v) {
    return {std::move(f), "", std::move(v), false};
}
Case ca(std::string f, std::string arg, Values v) {
    return {std::move(f), std::move(arg), std::move(v), true};
}

// Expected values on the Pod event, for every field outside the ka.req.podspec family (which
// is checked against ka.req.pod below).
const std::vector<Case> kPodCases = {
    c("evt.num", {"1"}),
    c("evt.source", {"k8s_audit"}),
    c("evt.pluginname", {"k8saudit"}),
    c("ka.auditid", {"a-1"}),
    c("ka.stage", {"ResponseComplete"}),
    c("ka.auth.decision", {"allow"}),
    c("ka.auth.reason", {"RBAC: allowed"}),
    c("ka.auth.openshift.decision", {"allow"}),
    c("ka.auth.openshift.username", {"osu"}),
    c("ka.validations.admission.policy.failure", {"vf"}),
    c("ka.security.pod.violations", {"pv"}),
    c("ka.user.name", {"system:serviceaccount:ns1:sa1"}),
    c("ka.impuser.name", {"imp"}),
    c("ka.verb", {"create"}),
    c("ka.uri", {"/api/v1/namespaces/ns1/pods?command=sh&command=-c&container=c1&q=a%2Fb+c"}),
    c("ka.target.name", {"obj1"}),
    c("ka.target.namespace", {"ns1"}),
    c("ka.target.resource", {"pods"}),
    c("ka.target.subresource", {}),
    c("ka.req.binding.role", {"cluster-admin"}),
    c("ka.req.configmap.name", {"obj1"}),
    c("ka.req.service.type", {"NodePort"}),
    c("ka.resp.name", {"obj1"}),
    c("ka.response.code", {"201"}),
    c("ka.response.reason", {"Created"}),
    c("ka.useragent", {"kubectl/v1.30.0"}),
    c("ka.cluster.name", {"prod"}),
    c("ka.user.uid", {"u-1"}),
    c("ka.impuser.uid", {"iu-1"}),
    c("ka.level", {"RequestResponse"}),
    c("ka.target.uid", {"obj-uid"}),
    c("ka.target.apigroup", {"apps"}),
    c("ka.resp.uid", {"new-uid"}),
    c("ka.resp.serviceaccount", {"sa1"}),
    c("ka.user.groups", {"system:serviceaccounts", "system:authenticated"}),
    c("ka.req.binding.subjects",
      {R"({"kind":"User","name":"alice"})", R"({"kind":"Group","name":"devs"})",
       R"({"kind":"ServiceAccount","name":"sa2","namespace":"ns2"})"}),
    c("ka.req.role.rules", {R"({"apiGroups":[""],"resources":["pods","secrets"],"verbs":["get"]})",
                            R"({"nonResourceURLs":["/healthz"],"verbs":["*"]})"}),
    c("ka.req.role.rules.apiGroups", {""}),
    ca("ka.req.role.rules.apiGroups", "1", {}),
    c("ka.req.role.rules.nonResourceURLs", {"/healthz"}),
    c("ka.req.role.rules.verbs", {"get", "*"}),
    ca("ka.req.role.rules.verbs", "1", {"*"}),
    c("ka.req.role.rules.resources", {"pods", "secrets"}),
    c("ka.req.service.ports", {R"({"port":80,"protocol":"TCP"})", R"({"port":443})"}),
    ca("ka.req.service.ports", "1", {R"({"port":443})"}),
    c("ka.sourceips", {"10.0.0.1", "192.168.1.5"}),
    ca("ka.sourceips", "0", {"10.0.0.1"}),
    ca("ka.sourceips", "7", {}),
    c("ka.sourceip", {"192.168.1.5"}),
    c("ka.impuser.groups", {"g1", "g2"}),
    c("ka.target.pod.name", {"obj1"}),
    ca("ka.uri.param", "command", {"sh"}),
    ca("ka.uri.param", "container", {"c1"}),
    ca("ka.uri.param", "q", {"a/b c"}),
    ca("ka.uri.param", "missing", {}),
    c("ka.req.binding.subjects.user_names", {"alice"}),
    c("ka.req.binding.subjects.group_names", {"devs"}),
    c("ka.req.binding.subjects.serviceaccount_names", {"sa2"}),
    c("ka.req.binding.subjects.serviceaccount_ns_names", {"ns2:sa2"}),
    ca("ka.req.binding.subject.has_name", "anyone", {"true"}),
    c("ka.req.configmap.obj", {R"({"k":"v"})"}),
    ca("ka.user.extra", "authentication.kubernetes.io/pod-uid", {"pod-uid-0"}),
    ca("ka.user.extra", "nope", {}),
    ca("ka.impuser.extra", "scopes", {"s1"}),
    ca("ka.annotation", "authentication.k8s.io/legacy-token", {"system:serviceaccount:ns1:old"}),
    // Pod level.
    c("ka.req.pod.host_network", {"true"}),
    c("ka.req.pod.host_pid", {"false"}),
    c("ka.req.pod.host_ipc", {}),
    c("ka.req.pod.run_as_user", {"1000"}),
    c("ka.req.pod.run_as_group", {"2000"}),
    c("ka.req.pod.fs_group", {"3000"}),
    c("ka.req.pod.supplemental_groups", {"4", "5"}),
    c("ka.req.pod.volumes.hostpath", {"/etc/kubernetes"}),
    ca("ka.req.pod.volumes.hostpath", "1", {}),
    c("ka.req.pod.volumes.flexvolume_driver", {"acme/d1"}),
    c("ka.req.pod.volumes.volume_type", {"hostPath", "flexVolume", "emptyDir"}),
    ca("ka.req.pod.volumes.volume_type", "2", {"emptyDir"}),
    // Containers: those lacking a key are skipped; [i] picks container i.
    c("ka.req.pod.containers.name", {"c1", "c2"}),
    c("ka.req.pod.containers.image", {"reg:5000/team/app:1.2", "nginx@sha256:abcd"}),
    ca("ka.req.pod.containers.image", "1", {"nginx@sha256:abcd"}),
    c("ka.req.pod.containers.image.repository", {"reg:5000/team/app", "nginx"}),
    c("ka.req.pod.containers.command", {"sh -c"}),
    c("ka.req.pod.containers.args", {"echo hi"}),
    c("ka.req.pod.containers.privileged", {"true"}),
    ca("ka.req.pod.containers.privileged", "1", {}),
    c("ka.req.pod.containers.allow_privilege_escalation", {"false"}),
    c("ka.req.pod.containers.read_only_fs", {"true"}),
    c("ka.req.pod.containers.run_as_user", {"10"}),
    c("ka.req.pod.containers.run_as_group", {"20"}),
    c("ka.req.pod.containers.proc_mount", {"Default"}),
    c("ka.req.pod.containers.add_capabilities", {"NET_ADMIN", "SYS_TIME"}),
    c("ka.req.pod.containers.eff_run_as_user", {"10", "1000"}),
    c("ka.req.pod.containers.eff_run_as_group", {"20", "2000"}),
    c("ka.req.pod.containers.host_port", {"8080", "19090"}),
    c("ka.req.pod.initContainers.name", {"i1"}),
    c("ka.req.pod.initContainers.image", {"busybox:1.36"}),
    c("ka.req.pod.initContainers.image.repository", {"busybox"}),
    c("ka.req.pod.initContainers.command", {}),
    c("ka.req.pod.initContainers.args", {}),
    c("ka.req.pod.initContainers.privileged", {"false"}),
    c("ka.req.pod.initContainers.allow_privilege_escalation", {}),
    c("ka.req.pod.initContainers.read_only_fs", {}),
    c("ka.req.pod.initContainers.run_as_user", {}),
    c("ka.req.pod.initContainers.run_as_group", {"7"}),
    c("ka.req.pod.initContainers.proc_mount", {}),
    c("ka.req.pod.initContainers.add_capabilities", {}),
    c("ka.req.pod.initContainers.eff_run_as_user", {"1000"}),
    c("ka.req.pod.initContainers.eff_run_as_group", {"7"}),
    c("ka.req.pod.initContainers.host_port", {}),
    c("ka.req.pod.ephemeralContainers.name", {"e1"}),
    c("ka.req.pod.ephemeralContainers.image", {"debug"}),
    c("ka.req.pod.ephemeralContainers.image.repository", {"debug"}),
    c("ka.req.pod.ephemeralContainers.command", {}),
    c("ka.req.pod.ephemeralContainers.args", {}),
    c("ka.req.pod.ephemeralContainers.privileged", {}),
    c("ka.req.pod.ephemeralContainers.allow_privilege_escalation", {}),
    c("ka.req.pod.ephemeralContainers.read_only_fs", {}),
    c("ka.req.pod.ephemeralContainers.run_as_user", {"0"}),
    c("ka.req.pod.ephemeralContainers.run_as_group", {}),
    c("ka.req.pod.ephemeralContainers.proc_mount", {}),
    c("ka.req.pod.ephemeralContainers.add_capabilities", {}),
    c("ka.req.pod.ephemeralContainers.eff_run_as_user", {"0"}),
    c("ka.req.pod.ephemeralContainers.eff_run_as_group", {"2000"}),
    // The plugin's deprecated fields.
    c("ka.req.container.image", {"reg:5000/team/app:1.2"}),
    c("ka.req.container.image.repository", {"reg:5000/team/app"}),
    c("ka.req.container.host_network", {"true"}),
    c("ka.req.container.privileged", {"true"}),
    ca("ka.req.volume.hostpath", "/etc/kubernetes", {"true"}),
    ca("ka.req.volume.hostpath", "/etc*", {"true"}),
    ca("ka.req.volume.hostpath", "/var", {"false"}),
    // json plugin fields, with pointer escapes (~1 is '/', ~0 is '~') and array indices.
    ca("jevt.value", "/stage", {"ResponseComplete"}),
    ca("jevt.value", "/annotations/authorization.k8s.io~1decision", {"allow"}),
    ca("jevt.value", "/annotations/a~1~0b", {"esc"}),
    ca("jevt.value", "/user/extra/authentication.kubernetes.io~1pod-uid/0", {"pod-uid-0"}),
    ca("jevt.value", "/user/groups/1", {"system:authenticated"}),
    ca("jevt.value", "/user/groups/2", {}),
    ca("jevt.value", "/responseStatus/code", {"201"}),
    ca("jevt.value", "/responseStatus/metadata", {"{}"}),
    ca("jevt.value", "/nope", {}),
    ca("json.value", "/verb", {"create"}),
    c("jevt.rawtime", {"1714557600123456000"}),
    c("json.rawtime", {"1714557600123456000"}),
};

std::string arg_text(const Case& k) {
    return k.has_arg ? "[" + k.arg + "]" : "";
}

TEST(K8sAuditFields, EveryFieldOnAPodRequest) {
    with_event(event_json("pods", kPodObject), [&](const fields::Event& ev) {
        for (const Case& k : kPodCases) {
            auto got = extract(ev, k.field, k.has_arg ? &k.arg : nullptr);
            EXPECT_EQ(got.values, k.want) << k.field << arg_text(k);
        }
    });
}

TEST(K8sAuditFields, EveryFieldOfTheSourceIsCovered) {
    std::set<std::string> covered;
    for (const Case& k : kPodCases) covered.insert(k.field);
    size_t ka = 0;
    for (const auto& d : fields::source(kSource).fields()) {
        std::string name(d.name);
        ka += name.rfind("ka.", 0) == 0 && name.rfind("ka.req.podspec.", 0) != 0 &&
              d.desc.find("(sensor)") == std::string_view::npos;
        if (name.rfind("ka.req.podspec.", 0) == 0) continue;     // PodSpecFamily below
        if (name == "jevt.obj" || name == "json.obj") continue;  // WholeEventIsIndentedJson
        if (name.rfind("evt.", 0) == 0 && name != "evt.num" && name != "evt.source" &&
            name != "evt.pluginname")
            continue;  // the syscall source's time fields, tested there
        EXPECT_TRUE(covered.count(name)) << name << " has no case";
    }
    EXPECT_EQ(ka, 100u) << "the k8saudit plugin 0.18 has 100 ka.* fields";
}

// ka.req.podspec.* reads a Pod's spec, or the template's of a workload, the same way the
// plugin's ka.req.pod.* reads a Pod's; ka.req.pod.* stays the plugin's (Pods only).
TEST(K8sAuditFields, PodSpecFamilyReadsWorkloadTemplates) {
    std::map<std::string, Values> pod_values;
    std::vector<std::string> names;
    for (const auto& d : fields::source(kSource).fields())
        if (std::string(d.name).rfind("ka.req.podspec.", 0) == 0) names.emplace_back(d.name);
    ASSERT_EQ(names.size(), 54u);
    with_event(event_json("pods", kPodObject), [&](const fields::Event& ev) {
        for (const auto& n : names) {
            std::string pod_name = "ka.req.pod." + n.substr(strlen("ka.req.podspec."));
            pod_values[n] = extract(ev, pod_name, nullptr).values;
            EXPECT_EQ(extract(ev, n, nullptr).values, pod_values[n]) << n;
        }
    });
    const std::map<std::string, std::string> workloads = {
        {"deployments",
         R"({"kind":"Deployment","spec":{"replicas":2,"template":{"spec":)" + kSpec + "}}}"},
        {"daemonsets", R"({"kind":"DaemonSet","spec":{"template":{"spec":)" + kSpec + "}}}"},
        {"statefulsets", R"({"kind":"StatefulSet","spec":{"template":{"spec":)" + kSpec + "}}}"},
        {"replicasets", R"({"kind":"ReplicaSet","spec":{"template":{"spec":)" + kSpec + "}}}"},
        {"jobs", R"({"kind":"Job","spec":{"template":{"spec":)" + kSpec + "}}}"},
        {"cronjobs", R"({"kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":)" +
                         kSpec + "}}}}}"},
    };
    for (const auto& [resource, object] : workloads) {
        with_event(event_json(resource, object), [&](const fields::Event& ev) {
            for (const auto& n : names) {
                EXPECT_EQ(extract(ev, n, nullptr).values, pod_values[n]) << resource << " " << n;
            }
            EXPECT_TRUE(extract(ev, "ka.req.pod.containers.privileged", nullptr).values.empty())
                << resource << ": ka.req.pod.* reads requestObject.spec, as the plugin does";
        });
    }
}

TEST(K8sAuditFields, NoKaFieldWithoutAuditIdButJsonFieldsStillWork) {
    with_event(R"({"kind":"Event","stage":"ResponseComplete","verb":"get",
                   "stageTimestamp":"2024-05-01T10:00:00Z"})",
               [&](const fields::Event& ev) {
                   EXPECT_TRUE(extract(ev, "ka.verb", nullptr).values.empty());
                   EXPECT_TRUE(extract(ev, "ka.stage", nullptr).values.empty());
                   std::string ptr = "/verb";
                   EXPECT_EQ(extract(ev, "jevt.value", &ptr).values, Values{"get"});
               });
}

TEST(K8sAuditFields, WholeEventIsIndentedJson) {
    with_event(R"({"kind":"Event","auditID":"x","a":[1,{"b":null}],"e":{},
                   "stageTimestamp":"2024-05-01T10:00:00Z"})",
               [&](const fields::Event& ev) {
                   auto v = extract(ev, "jevt.obj", nullptr).values;
                   ASSERT_EQ(v.size(), 1u);
                   EXPECT_EQ(
                       v[0],
                       "{\n  \"kind\": \"Event\",\n  \"auditID\": \"x\",\n  \"a\": [\n    1,\n"
                       "    {\n      \"b\": null\n    }\n  ],\n  \"e\": {},\n"
                       "  \"stageTimestamp\": \"2024-05-01T10:00:00Z\"\n}");
               });
}

TEST(K8sAuditFields, ArgumentsAreCheckedAtLoadTime) {
    std::string err;
    std::string bad_ptr = "stage", bad_escape = "/a~2b", lead_zero = "01", ok = "10";
    EXPECT_FALSE(fields::resolve_field("jevt.value", &bad_ptr, err, kSource));
    EXPECT_NE(err.find("start with '/'"), std::string::npos) << err;
    EXPECT_FALSE(fields::resolve_field("jevt.value", &bad_escape, err, kSource));
    EXPECT_NE(err.find("~"), std::string::npos) << err;
    EXPECT_FALSE(fields::resolve_field("ka.sourceips", &lead_zero, err, kSource));
    EXPECT_TRUE(fields::resolve_field("ka.sourceips", &ok, err, kSource));
    EXPECT_FALSE(fields::resolve_field("ka.uri.param", nullptr, err, kSource));
    EXPECT_FALSE(fields::resolve_field("ka.verb", &ok, err, kSource));
    // A syscall field is not a k8s_audit field, and the error says which source has it.
    EXPECT_FALSE(fields::resolve_field("proc.name", nullptr, err, kSource));
}

}  // namespace
