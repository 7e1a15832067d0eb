#pragma once
// Turns payloads (one webhook POST body or one log line: JSON text) into k8s_audit events, the
// way Falco's k8saudit plugin reads them (docs/kubernetes-audit.md): an array is recursed
// into, an `EventList` yields its items, an `Event` itself; each event needs an RFC 3339
// `stageTimestamp`, its event time. A malformed item is counted under its cause and skipped,
// never fatal; an event larger than the size limit is dropped and counted.
//
// Not thread-safe: one decoder per thread (the event loop's, or replay's). The events handed
// to `each` are valid only during the call.
#include <simdjson.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/fields/event.h"
#include "sensor/k8saudit/audit_event.h"

namespace sensor::k8saudit {

enum class DecodeProblem : uint8_t {
    kNotJson,          // the payload is not JSON
    kNotAuditEvent,    // JSON, but not an Event, EventList, array or known push format
    kNoTimestamp,      // an Event without stageTimestamp
    kBadTimestamp,     // stageTimestamp that is not RFC 3339
    kTooLarge,         // an Event over max_event_size bytes (compact JSON)
    kBadCloudPayload,  // a GKE Pub/Sub or AKS push body that cannot be turned into Events
    kCount
};
std::string_view problem_name(DecodeProblem p);  // metric label: "not_json" ...

struct DecodeCounters {
    uint64_t payloads = 0;
    uint64_t events = 0;
    std::array<uint64_t, static_cast<size_t>(DecodeProblem::kCount)> problems{};
    uint64_t problem_total() const;
};

class AuditDecoder {
  public:
    // max_event_size: the plugin's maxEventSize (262144 by default).
    explicit AuditDecoder(uint64_t max_event_size = 262144);

    // Decodes one payload and calls each(const fields::Event&) for every event in it, in order.
    template <typename F>
    void decode(std::string_view payload, F&& each) {
        const size_t n = parse(payload);
        for (size_t i = 0; i < n; ++i)
            if (const fields::Event* ev = prepare(i)) each(*ev);
    }

    const DecodeCounters& counters() const { return counters_; }
    // One line per problem cause the first time it occurs (with the detail of that first
    // occurrence), for the caller to log: a flood of bad input logs once per cause.
    std::vector<std::string> take_first_reports();

  private:
    size_t parse(std::string_view payload);
    void collect(simdjson::dom::element v, int depth);
    void collect_cloud_payload(simdjson::dom::element v);
    const fields::Event* prepare(size_t i);
    void problem(DecodeProblem p, std::string_view detail);

    uint64_t max_event_size_;
    bool may_exceed_limit_ = false;  // the payload is larger than max_event_size_
    std::string padded_;             // the payload copied with simdjson's padding
    simdjson::dom::parser parser_;
    simdjson::dom::parser cloud_parser_;  // the Events converted from a push envelope
    std::string cloud_array_;
    std::vector<std::string> cloud_texts_;
    std::vector<simdjson::dom::element> items_;
    AuditEvent audit_;
    fields::Event event_;
    uint64_t next_num_ = 1;
    DecodeCounters counters_;
    uint32_t reported_ = 0;  // bit per DecodeProblem already reported
    std::vector<std::string> reports_;
};

}  // namespace sensor::k8saudit
