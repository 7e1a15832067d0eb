// Capacity of one cluster sensor running the shipped sequences (docs/performance.md): 1,000,000
// audit events and 100,000 node alerts over 10,000 pods, merged by event time, through the
// k8s_audit decoder, the default rules (rules/, the 60-sequences.yaml sequences included) and
// the sequence matcher on one thread. Prints events per second, correlation alerts, the
// matcher's counters and peak RSS.
//
//   sensor_sequence_load [AUDIT_EVENTS=1000000] [ALERTS=100000] [PODS=10000]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "sensor/correlate/sequence_matcher.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

constexpr uint64_t kT0 = 1767261600ull * 1000000000ull;

std::string ts_text(uint64_t ns) {
    const uint64_t s = ns / 1000000000ull, us = ns / 1000 % 1000000;
    char buf[48];
    std::snprintf(buf, sizeof buf, "2026-01-01T%02llu:%02llu:%02llu.%06lluZ",
                  static_cast<unsigned long long>(s / 3600 % 24),
                  static_cast<unsigned long long>(s / 60 % 60),
                  static_cast<unsigned long long>(s % 60), static_cast<unsigned long long>(us));
    return buf;
}

// One audit event of a pod's token: mostly reads of pods and configmaps, some secrets.
void audit_event(std::string& out, uint64_t i, uint64_t pod, uint64_t ns_time) {
    static const char* kResources[] = {"pods", "configmaps", "services", "secrets", "endpoints"};
    const char* res = kResources[i % 5];
    char buf[1024];
    std::snprintf(
        buf, sizeof buf,
        R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-%llu",)"
        R"("stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns-%llu/%s","verb":"%s",)"
        R"("user":{"username":"system:serviceaccount:ns-%llu:sa","groups":["system:serviceaccounts"],)"
        R"("extra":{"authentication.kubernetes.io/pod-uid":["pod-%llu"]}},"sourceIPs":["10.0.%llu.%llu"],)"
        R"("userAgent":"client-go/v0.30","objectRef":{"resource":"%s","namespace":"ns-%llu","apiVersion":"v1"},)"
        R"("responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"%s","stageTimestamp":"%s",)"
        R"("annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}})",
        static_cast<unsigned long long>(i), static_cast<unsigned long long>(pod % 100), res,
        i % 3 ? "list" : "get", static_cast<unsigned long long>(pod % 100),
        static_cast<unsigned long long>(pod), static_cast<unsigned long long>(pod / 256 % 256),
        static_cast<unsigned long long>(pod % 256), res, static_cast<unsigned long long>(pod % 100),
        ts_text(ns_time).c_str(), ts_text(ns_time).c_str());
    out.assign(buf);
}

correlate::ReceivedAlert node_alert(uint64_t i, uint64_t pod, uint64_t ns_time) {
    static const char* kRules[] = {"Shell started in container", "Package management in container",
                                   "Interactive terminal shell in container",
                                   "Namespace change by unexpected program"};
    correlate::ReceivedAlert a;
    a.rule = kRules[i % 4];
    a.ts = ns_time;
    a.fields = {{"k8s.pod.uid", "pod-" + std::to_string(pod)},
                {"k8s.ns.name", "ns-" + std::to_string(pod % 100)},
                {"k8s.pod.name", "pod-name-" + std::to_string(pod)},
                {"proc.cmdline", "bash -c id"},
                {"container.id", "c" + std::to_string(pod)}};
    a.ref = "alert " + std::to_string(i);
    return a;
}

long peak_rss_kb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    const uint64_t events = argc > 1 ? std::stoull(argv[1]) : 1000000;
    const uint64_t alerts = argc > 2 ? std::stoull(argv[2]) : 100000;
    const uint64_t pods = argc > 3 ? std::stoull(argv[3]) : 10000;
    k8saudit::k8s_audit_source();
    auto loaded = rules::load_rules_files({std::string(SENSOR_SOURCE_DIR) + "/rules"});
    if (!loaded.ok) return 1;
    std::shared_ptr<const engine::Ruleset> rules = loaded.ruleset;
    uint64_t correlations = 0, rule_alerts = 0;
    correlate::SequenceMatcher matcher(rules, correlate::Limits{},
                                       [&](const correlate::Match&) { ++correlations; });
    auto ctx = rules->new_context();
    k8saudit::AuditDecoder decoder;
    // Event time spans two hours: alerts and audit events interleaved, 1 alert per 10 events.
    const uint64_t total = events + alerts;
    const uint64_t step_ns = 7200ull * 1000000000ull / total;
    std::mt19937_64 rng(42);
    std::string json;
    const long rss_before = peak_rss_kb();
    auto start = std::chrono::steady_clock::now();
    uint64_t sent_events = 0, sent_alerts = 0;
    for (uint64_t i = 0; i < total; ++i) {
        const uint64_t t = kT0 + i * step_ns;
        const uint64_t pod = rng() % pods;
        if (sent_alerts < alerts && (i % (total / alerts) == 0 || sent_events == events)) {
            matcher.on_alert(node_alert(sent_alerts++, pod, t));
            continue;
        }
        audit_event(json, sent_events++, pod, t);
        decoder.decode(json, [&](const fields::Event& ev) {
            rules->evaluate(ev, ctx, [&](const engine::CompiledRule& r) {
                ++rule_alerts;
                matcher.on_rule_match(r, ev);
            });
            matcher.on_event(ev, ctx);
        });
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& c = matcher.counters();
    std::printf(
        "%llu audit events + %llu alerts over %llu pods in %.2f s: %.0f inputs/s on one "
        "thread\n",
        static_cast<unsigned long long>(sent_events), static_cast<unsigned long long>(sent_alerts),
        static_cast<unsigned long long>(pods), secs, static_cast<double>(total) / secs);
    std::printf(
        "rule alerts %llu, correlation alerts %llu; occurrences %llu, kept %llu, "
        "expired %llu, evicted %llu, late %llu\n",
        static_cast<unsigned long long>(rule_alerts), static_cast<unsigned long long>(correlations),
        static_cast<unsigned long long>(c.occurrences), static_cast<unsigned long long>(c.kept),
        static_cast<unsigned long long>(c.expired), static_cast<unsigned long long>(c.evicted),
        static_cast<unsigned long long>(c.late));
    std::printf("peak RSS %ld kB (%ld kB before the run)\n", peak_rss_kb(), rss_before);
    return 0;
}
