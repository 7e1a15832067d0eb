// Fuzzes the k8s_audit decoder and everything that reads its events: any payload must decode
// (or be counted as a problem) without crashing, hanging or leaking; every field of the
// k8s_audit source, with each argument form it takes, must extract safely from every event;
// and the upstream k8s audit rules (all of them: rule_matching all) must evaluate and render
// their outputs on it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/fields/event_source.h"
#include "sensor/fields/registry.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/k8saudit/audit_event.h"
#include "sensor/k8saudit/audit_source.h"
#include "sensor/rules/loader.h"

using namespace sensor;

namespace {

// Arguments tried for fields that take a key: query parameters, JSON pointers (escapes,
// array indexes, the whole event), annotation and extra keys, and a key longer than any
// small-string buffer.
const std::vector<std::string> kKeys = {
    "command",
    "container",
    "/a/0/b~1c",
    "",
    "/",
    "/user/groups/0",
    "/requestObject/spec/containers/0/image",
    "/annotations/authorization.k8s.io~1decision",
    "/sourceIPs/-",
    "/objectRef/~0~1",
    "authorization.k8s.io/decision",
    "authentication.kubernetes.io/pod-uid",
    "a-key-that-is-longer-than-any-small-string-buffer-of-the-standard-library",
};
const std::vector<std::string> kIndexes = {"0", "1", "7"};

// Every field of the source, resolved with each argument its kind allows.
std::vector<fields::FieldRef> resolve_all(fields::SourceId id) {
    std::vector<fields::FieldRef> refs;
    std::string error;
    auto add = [&](const fields::FieldDef& def, const std::string* arg) {
        if (auto ref = fields::resolve_field(def.name, arg, error, id)) refs.push_back(*ref);
    };
    for (const fields::FieldDef& def : fields::source(id).fields()) {
        switch (def.arg_kind) {
            case fields::ArgKind::None:
                add(def, nullptr);
                break;
            case fields::ArgKind::Index:
                for (const auto& i : kIndexes) add(def, &i);
                break;
            case fields::ArgKind::AncestorOpt:
            case fields::ArgKind::IndexOpt:
                add(def, nullptr);
                for (const auto& i : kIndexes) add(def, &i);
                break;
            case fields::ArgKind::KeyOpt:
                add(def, nullptr);
                for (const auto& k : kKeys) add(def, &k);
                break;
            case fields::ArgKind::Key:
            case fields::ArgKind::EvtArg:
            case fields::ArgKind::IndexOrKey:
                for (const auto& k : kKeys) add(def, &k);
                for (const auto& i : kIndexes) add(def, &i);
                break;
        }
    }
    return refs;
}

std::string shared_dir() {
    if (const char* env = std::getenv("SENSOR_SHARED_DIR")) return env;
    return SENSOR_SHARED_DIR;
}

struct Harness {
    fields::SourceId source = k8saudit::k8s_audit_source();  // before the rules load
    std::vector<fields::FieldRef> refs = resolve_all(source);
    std::shared_ptr<engine::Ruleset> rules;
    engine::EvalCtx ctx;

    Harness() {
        rules::LoadOptions opts;
        opts.match_all = true;  // every rule is evaluated on every event
        auto r = rules::load_rules_files({shared_dir() + "/rules/k8s_audit_rules.yaml"}, opts);
        if (!r.ok || r.rule_count == 0) {
            std::cerr << "fuzz_audit_decoder: the upstream k8s audit rules did not load\n";
            std::abort();
        }
        rules = r.ruleset;
        ctx = rules->new_context();
    }
};

// Reads every byte of a value, so a view into freed or foreign memory is caught by ASan.
volatile uint8_t g_sink;
void touch(std::string_view s) {
    uint8_t x = 0;
    for (char c : s) x ^= static_cast<uint8_t>(c);
    g_sink = x;
}

void extract_all(const Harness& h, const fields::Event& ev) {
    std::string scratch, text;
    for (const fields::FieldRef& ref : h.refs) {
        const uint32_t bound = ref.multi() ? 256 : 2;
        for (uint32_t n = 0; n < bound; ++n) {
            fields::Value v;
            if (!ref.def->extract(ev, ref.arg, n, v, scratch)) break;
            touch(v.str);
            text.clear();
            fields::append_value_text(*ref.def, v, text);
            touch(text);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Harness h;
    std::string_view payload(reinterpret_cast<const char*>(data), size);
    std::string out;
    // Twice with the same decoder: the second pass reuses its buffers, as in production.
    k8saudit::AuditDecoder decoder;
    for (int pass = 0; pass < 2; ++pass) {
        decoder.decode(payload, [&](const fields::Event& ev) {
            extract_all(h, ev);
            h.rules->evaluate(ev, h.ctx, [&](const engine::CompiledRule& r) {
                out.clear();
                r.output.render(ev, out);
                touch(out);
            });
        });
    }
    for (const std::string& line : decoder.take_first_reports()) touch(line);
    // The size limit: in a payload over it, an event is dropped exactly when its compact JSON
    // is over it (the decoder bounds the size first and minifies only past the bound).
    constexpr uint64_t kSmallLimit = 512;
    k8saudit::AuditDecoder unlimited(UINT64_MAX), small_limit(kSmallLimit);
    size_t expected = 0, kept = 0;
    unlimited.decode(payload, [&](const fields::Event& ev) {
        const auto* a = static_cast<const k8saudit::AuditEvent*>(ev.payload);
        if (simdjson::minify(a->root).size() <= kSmallLimit) ++expected;
    });
    small_limit.decode(payload, [&](const fields::Event& ev) {
        ++kept;
        extract_all(h, ev);
    });
    if (size > kSmallLimit && kept != expected) {
        std::cerr << "fuzz_audit_decoder: " << kept << " events within the size limit kept, "
                  << expected << " expected\n";
        std::abort();
    }
    return 0;
}
