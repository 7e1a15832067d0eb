#include "sensor/k8saudit/audit_decoder.h"

#include "sensor/k8saudit/audit_source.h"
#include "sensor/k8saudit/cloud_formats.h"
#include "sensor/k8saudit/json_value.h"
#include "sensor/k8saudit/rfc3339.h"

namespace sensor::k8saudit {
namespace {

// Arrays nest at most this deep (the plugin recurses without bound; a hostile body must not
// exhaust the stack).
constexpr int kMaxArrayDepth = 16;

constexpr std::array<std::string_view, static_cast<size_t>(DecodeProblem::kCount)> kNames = {
    "not_json",  "not_audit_event",  "no_stage_timestamp", "bad_stage_timestamp",
    "too_large", "bad_cloud_payload"};

constexpr std::array<std::string_view, static_cast<size_t>(DecodeProblem::kCount)> kMessages = {
    "payload is not JSON",
    "data not recognized as a k8s audit event",
    "audit event without stageTimestamp",
    "audit event with a stageTimestamp that is not RFC 3339",
    "audit event over maxEventSize, dropped",
    "push message not convertible to audit events"};

std::string_view kind_of(simdjson::dom::element v) {
    std::string_view kind;
    if (v["kind"].get_string().get(kind)) return {};
    return kind;
}

// An upper bound of the size of `v` as compact JSON: every string byte counted as its longest
// escape (\u00XX), every number as its longest form. Adding stops once past `limit`. When the
// bound is within the limit, the exact size (a minification of the event) is not needed.
uint64_t compact_size_bound(simdjson::dom::element v, uint64_t limit) {
    using simdjson::dom::element_type;
    switch (v.type()) {
        case element_type::ARRAY: {
            uint64_t n = 2;  // [] and a comma per element
            simdjson::dom::array arr = v.get_array().value_unsafe();
            for (simdjson::dom::element e : arr)
                if ((n += 1 + compact_size_bound(e, limit)) > limit) break;
            return n;
        }
        case element_type::OBJECT: {
            uint64_t n = 2;  // {} and per member "key": and a comma
            simdjson::dom::object obj = v.get_object().value_unsafe();
            for (auto f : obj)
                if ((n += 4 + 6 * f.key.size() + compact_size_bound(f.value, limit)) > limit) break;
            return n;
        }
        case element_type::STRING:
            return 2 + 6 * v.get_string().value_unsafe().size();
        case element_type::BOOL:
            return 5;
        case element_type::NULL_VALUE:
            return 4;
        default:
            return 32;  // numbers
    }
}

}  // namespace

std::string_view problem_name(DecodeProblem p) {
    return kNames[static_cast<size_t>(p)];
}

uint64_t DecodeCounters::problem_total() const {
    uint64_t n = 0;
    for (uint64_t c : problems) n += c;
    return n;
}

AuditDecoder::AuditDecoder(uint64_t max_event_size) : max_event_size_(max_event_size) {
    event_.source = k8s_audit_source();
    event_.type = 0;
    event_.has_res = false;
    event_.payload = &audit_;
}

void AuditDecoder::problem(DecodeProblem p, std::string_view detail) {
    const auto i = static_cast<size_t>(p);
    ++counters_.problems[i];
    if (reported_ & (1u << i)) return;
    reported_ |= 1u << i;
    std::string line = "k8s_audit: " + std::string(kMessages[i]);
    if (!detail.empty()) line += ": " + std::string(detail.substr(0, 200));
    line += " (counted as k8s_audit problem " + std::string(kNames[i]) + "; logged once)";
    reports_.push_back(std::move(line));
}

std::vector<std::string> AuditDecoder::take_first_reports() {
    return std::exchange(reports_, {});
}

size_t AuditDecoder::parse(std::string_view payload) {
    ++counters_.payloads;
    items_.clear();
    cloud_texts_.clear();
    // The parser reads up to SIMDJSON_PADDING bytes past the end: parse a padded copy, kept
    // across payloads so steady state allocates nothing.
    padded_.assign(payload);
    padded_.append(simdjson::SIMDJSON_PADDING, '\0');
    may_exceed_limit_ = payload.size() > max_event_size_;
    simdjson::dom::element root;
    auto err = parser_.parse(padded_.data(), payload.size(), false).get(root);
    if (err) {
        problem(DecodeProblem::kNotJson, simdjson::error_message(err));
        return 0;
    }
    collect(root, 0);
    return items_.size();
}

void AuditDecoder::collect(simdjson::dom::element v, int depth) {
    if (v.is_array()) {
        if (depth >= kMaxArrayDepth) {
            problem(DecodeProblem::kNotAuditEvent, "arrays nested too deep");
            return;
        }
        simdjson::dom::array arr = v.get_array().value_unsafe();
        for (simdjson::dom::element e : arr) collect(e, depth + 1);
        return;
    }
    const std::string_view kind = kind_of(v);
    if (kind == "Event") {
        items_.push_back(v);
    } else if (kind == "EventList") {
        simdjson::dom::array items;
        if (v["items"].get_array().get(items)) {
            problem(DecodeProblem::kNotAuditEvent, "EventList without items");
            return;
        }
        for (simdjson::dom::element e : items) {
            if (kind_of(e) == "Event" || (e.is_object() && kind_of(e).empty()))
                items_.push_back(e);  // items of an EventList may omit their kind
            else
                problem(DecodeProblem::kNotAuditEvent, "EventList item is not an Event");
        }
    } else {
        collect_cloud_payload(v);
    }
}

// A managed cluster's push envelope (GKE Pub/Sub, AKS records): its Events, converted to
// text by cloud_formats, are parsed as one array in a second document that lives as long as
// the payload's.
void AuditDecoder::collect_cloud_payload(simdjson::dom::element v) {
    std::string error;
    cloud_texts_.clear();
    const CloudShape shape = convert_cloud_payload(v, cloud_texts_, error);
    if (shape == CloudShape::None) {
        problem(DecodeProblem::kNotAuditEvent, "");
        return;
    }
    if (!error.empty()) problem(DecodeProblem::kBadCloudPayload, error);
    if (cloud_texts_.empty()) return;
    cloud_array_.assign("[");
    for (size_t i = 0; i < cloud_texts_.size(); ++i) {
        if (i) cloud_array_ += ',';
        cloud_array_ += cloud_texts_[i];
    }
    cloud_array_ += ']';
    cloud_array_.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element arr;
    const size_t len = cloud_array_.size() - simdjson::SIMDJSON_PADDING;
    if (cloud_parser_.parse(cloud_array_.data(), len, false).get(arr)) {
        problem(DecodeProblem::kBadCloudPayload, "converted events are not JSON");
        return;
    }
    simdjson::dom::array events = arr.get_array().value_unsafe();
    for (simdjson::dom::element e : events) items_.push_back(e);
}

const fields::Event* AuditDecoder::prepare(size_t i) {
    simdjson::dom::element e = items_[i];
    std::string_view ts;
    if (e["stageTimestamp"].get_string().get(ts)) {
        problem(DecodeProblem::kNoTimestamp, "");
        return nullptr;
    }
    auto t = parse_rfc3339_ns(ts);
    if (!t) {
        problem(DecodeProblem::kBadTimestamp, ts);
        return nullptr;
    }
    // Only a payload larger than the limit can hold an event over it, and only an event whose
    // size bound is over it needs measuring exactly (minified): in a large EventList of
    // ordinary events, none does.
    if (may_exceed_limit_ && compact_size_bound(e, max_event_size_) > max_event_size_ &&
        json::minified(e).size() > max_event_size_) {
        problem(DecodeProblem::kTooLarge, "");
        return nullptr;
    }
    audit_.root = e;
    audit_.time_ns = *t;
    audit_.index_members();
    event_.num = next_num_++;
    event_.ts = *t;
    ++counters_.events;
    return &event_;
}

}  // namespace sensor::k8saudit
