// The sequences shipped in rules/60-sequences.yaml, with the default rules beside them: each
// fires on its chain (a node alert received, audit events of the pod) and stays quiet for
// another pod, the wrong order and past its window.
#include <gtest/gtest.h>

#include "scenario_suite.h"
#include "sensor/correlate/sequence_matcher.h"
#include "sensor/k8saudit/audit_decoder.h"

using namespace sensor;

namespace {

constexpr uint64_t kT0 = 1767261600ull * 1000000000ull;  // 2026-01-01T10:00:00Z
constexpr uint64_t kSec = 1000000000ull;

std::string ts(uint64_t offset_s) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2026-01-01T%02llu:%02llu:%02lluZ",
                  static_cast<unsigned long long>(10 + offset_s / 3600),
                  static_cast<unsigned long long>(offset_s / 60 % 60),
                  static_cast<unsigned long long>(offset_s % 60));
    return buf;
}

struct Chain {
    std::shared_ptr<engine::Ruleset> rules;
    std::vector<std::string> fired;
    std::unique_ptr<correlate::SequenceMatcher> m;
    engine::EvalCtx ctx;
    k8saudit::AuditDecoder decoder;

    Chain() {
        auto r = rules::load_rules_files({std::string(SENSOR_SOURCE_DIR) + "/rules"});
        EXPECT_TRUE(r.ok);
        rules = r.ruleset;
        ctx = rules->new_context();
        m = std::make_unique<correlate::SequenceMatcher>(
            rules, correlate::Limits{}, [this](const correlate::Match& match) {
                fired.push_back(match.seq->name + ": " + match.render_output());
            });
    }
    void alert(const std::string& rule, uint64_t offset_s,
               std::map<std::string, std::string> fields) {
        correlate::ReceivedAlert a;
        a.rule = rule;
        a.ts = kT0 + offset_s * kSec;
        a.fields = std::move(fields);
        a.ref = "alert " + rule;
        m->on_alert(a);
    }
    void audit(const std::string& json) {
        decoder.decode(json, [&](const fields::Event& ev) { m->on_event(ev, ctx); });
    }
};

std::map<std::string, std::string> pod(const std::string& uid, const std::string& name,
                                       const std::string& cmd) {
    return {{"k8s.pod.uid", uid},
            {"k8s.ns.name", "shop"},
            {"k8s.pod.name", name},
            {"proc.cmdline", cmd},
            {"proc.name", cmd.substr(0, cmd.find(' '))},
            {"container.id", "c0ffee"},
            {"user.name", "root"}};
}

std::string api_call(uint64_t offset_s, const std::string& pod_uid, const std::string& verb,
                     const std::string& resource, const std::string& stage = "ResponseComplete",
                     const std::string& extra = "") {
    return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a)" +
           std::to_string(offset_s) + R"(","stage":")" + stage + R"(","verb":")" + verb +
           R"(","requestURI":"/api/v1/namespaces/shop/)" + resource +
           R"(/x","user":{"username":"system:serviceaccount:shop:web","extra":{"authentication.kubernetes.io/pod-uid":[")" +
           pod_uid + R"("]}},"sourceIPs":["10.1.2.3"],"objectRef":{"resource":")" + resource +
           R"(","namespace":"shop","name":"x"},"responseStatus":{"code":200},"stageTimestamp":")" +
           ts(offset_s) + "\"" + extra + "}";
}

TEST(ShippedSequences, ShellThenTokenReadsSecrets) {
    Chain c;
    c.alert("Shell started in container", 0, pod("uid-1", "web-1", "bash -i"));
    c.audit(api_call(30, "uid-2", "get", "secrets"));     // another pod's token
    c.audit(api_call(40, "uid-1", "get", "configmaps"));  // not a secret
    EXPECT_TRUE(c.fired.empty());
    c.audit(api_call(60, "uid-1", "list", "secrets"));
    ASSERT_EQ(c.fired.size(), 1u);
    EXPECT_NE(c.fired[0].find("Shell in pod shop/web-1 (bash -i"), std::string::npos) << c.fired[0];
    EXPECT_NE(c.fired[0].find("did list on secrets shop/x"), std::string::npos) << c.fired[0];
    c.audit(api_call(3600, "uid-1", "get", "secrets"));  // long after: nothing more
    EXPECT_EQ(c.fired.size(), 1u);
}

TEST(ShippedSequences, ExecThenTerminalShellNamesTheUser) {
    Chain c;
    c.audit(
        R"({"kind":"Event","auditID":"e1","stage":"ResponseStarted","verb":"create",)"
        R"("requestURI":"/api/v1/namespaces/shop/pods/web-1/exec?command=sh","user":{"username":"alice@example.com"},)"
        R"("sourceIPs":["203.0.113.9"],"userAgent":"kubectl/v1.30",)"
        R"("objectRef":{"resource":"pods","namespace":"shop","name":"web-1","subresource":"exec"},)"
        R"("stageTimestamp":")" +
        ts(0) + R"("})");
    c.alert("Interactive terminal shell in container", 90, pod("uid-1", "web-1", "sh"));  // late
    EXPECT_TRUE(c.fired.empty());
    c.alert("Interactive terminal shell in container", 5, pod("uid-2", "web-2", "sh"));  // other
    c.alert("Interactive terminal shell in container", 4, pod("uid-1", "web-1", "sh -i"));
    ASSERT_EQ(c.fired.size(), 1u);
    EXPECT_NE(c.fired[0].find("alice@example.com (from 203.0.113.9, kubectl/v1.30) opened exec "
                              "into shop/web-1, then a terminal shell ran there: sh -i as root"),
              std::string::npos)
        << c.fired[0];
}

TEST(ShippedSequences, PrivilegedPodThenNamespaceChange) {
    Chain c;
    c.alert("Namespace change by unexpected program", 10, pod("uid-p", "priv", "nsenter -t 1"));
    EXPECT_TRUE(c.fired.empty());  // wrong order
    c.audit(
        R"({"kind":"Event","auditID":"p1","stage":"ResponseComplete","verb":"create",)"
        R"("user":{"username":"bob"},"objectRef":{"resource":"pods","namespace":"shop"},)"
        R"("requestObject":{"spec":{"hostPID":true,"containers":[{"name":"c","image":"busybox"}]}},)"
        R"("responseObject":{"metadata":{"name":"priv","uid":"uid-p"}},)"
        R"("responseStatus":{"code":201},"stageTimestamp":")" +
        ts(20) + R"("})");
    EXPECT_TRUE(c.fired.empty());
    c.alert("Namespace change by unexpected program", 300, pod("uid-p", "priv", "nsenter -t 1"));
    ASSERT_EQ(c.fired.size(), 1u);
    EXPECT_NE(c.fired[0].find("Pod shop/priv created privileged or with host namespaces by bob"),
              std::string::npos)
        << c.fired[0];
}

TEST(ShippedSequences, PackageManagerThenTokenUsed) {
    Chain c;
    c.alert("Package management in container", 0, pod("uid-1", "web-1", "apt-get install nmap"));
    c.audit(api_call(120, "uid-1", "list", "pods"));
    ASSERT_EQ(c.fired.size(), 1u);
    EXPECT_NE(c.fired[0].find("apt-get install nmap in pod shop/web-1, then its token"),
              std::string::npos)
        << c.fired[0];
}

}  // namespace
