#pragma once
// One Kubernetes audit event (audit.k8s.io/v1 or v1beta1 `Event`) as the k8s_audit source's
// extractors see it: the parsed JSON object, its event time, and the top-level members the
// rules read most, found once per event so a field does not scan the object again.
//
// Ownership: the element views the decoder's simdjson document; an AuditEvent is valid until
// the decoder parses its next payload.
#include <simdjson.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace sensor::k8saudit {

// Top-level members indexed per event (Top::kCount slots).
enum class Top : uint8_t {
    kAuditId,
    kStage,
    kVerb,
    kRequestUri,
    kUser,
    kImpersonatedUser,
    kSourceIps,
    kUserAgent,
    kObjectRef,
    kResponseStatus,
    kRequestObject,
    kResponseObject,
    kAnnotations,
    kLevel,
    kCount
};

// The member name of a slot, as the Event's JSON spells it.
std::string_view top_key(Top t);
// The slot of a top-level member name; Top::kCount for one that has none.
Top top_slot(std::string_view key);

struct AuditEvent {
    simdjson::dom::element root;  // the Event object
    uint64_t time_ns = 0;         // stageTimestamp, ns since epoch
    std::array<simdjson::dom::element, static_cast<size_t>(Top::kCount)> top{};
    uint32_t present = 0;  // bit i: top[i] is set

    bool has(Top t) const { return present & (1u << static_cast<unsigned>(t)); }
    // The member, or false when the event lacks it.
    bool get(Top t, simdjson::dom::element& out) const {
        if (!has(t)) return false;
        out = top[static_cast<size_t>(t)];
        return true;
    }
    // Indexes the top-level members of `root` (an object).
    void index_members();
};

}  // namespace sensor::k8saudit
