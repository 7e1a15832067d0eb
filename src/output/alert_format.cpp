#include "sensor/output/alert_format.h"

#include <cstdio>
#include <random>

#include "sensor/events/time_format.h"

#include <nlohmann/json.hpp>

namespace sensor::output {
namespace {

std::string render_time(uint64_t ts_ns, bool utc, const char* fmt, const char* suffix) {
    std::string out;
    events::append_time(ts_ns, utc, fmt, true, out);
    return out + suffix;
}

}  // namespace

std::string format_local_time(uint64_t ts_ns) {
    return render_time(ts_ns, false, "%H:%M:%S", "");
}
std::string format_iso8601_offset(uint64_t ts_ns) {
    return render_time(ts_ns, true, "%Y-%m-%dT%H:%M:%S", "+0000");
}
std::string format_utc_z(uint64_t ts_ns) {
    return render_time(ts_ns, true, "%Y-%m-%dT%H:%M:%S", "Z");
}

std::string render_message(const engine::CompiledRule& rule, const fields::Event& ev) {
    std::string msg;
    rule.output.render(ev, msg);
    return msg;
}

std::string random_uuid_v4() {
    // Per-thread generator seeded from the OS; the Elastic integration only needs ids that
    // do not collide, not secrecy.
    thread_local std::mt19937_64 gen{std::random_device{}() ^
                                     (static_cast<uint64_t>(std::random_device{}()) << 32)};
    uint64_t hi = gen(), lo = gen();
    hi = (hi & ~0xf000ull) | 0x4000ull;                  // version 4
    lo = (lo & ~(0xc000ull << 48)) | (0x8000ull << 48);  // variant 10
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                  static_cast<unsigned>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xffffffffffffull));
    return buf;
}

std::string format_alert(const engine::CompiledRule& rule, const fields::Event& ev,
                         const AlertFormat& fmt) {
    std::string message = render_message(rule, ev);
    std::string line = (fmt.iso8601 ? format_iso8601_offset(ev.ts) : format_local_time(ev.ts)) +
                       ": " + std::string(engine::priority_name(rule.priority)) + " " + message;
    if (!fmt.json) return line;
    nlohmann::json j;
    j["hostname"] = fmt.hostname;
    if (fmt.include_output) j["output"] = line;
    if (fmt.include_message) j["message"] = message;
    if (fmt.include_output_fields) {
        nlohmann::json fields = nlohmann::json::object();
        rule.output.add_fields_json(ev, fields);
        fields[fmt.iso8601 ? "evt.time.iso8601" : "evt.time"] = ev.ts;
        j["output_fields"] = std::move(fields);
    }
    j["priority"] = std::string(engine::priority_name(rule.priority));
    j["rule"] = rule.name;
    j["source"] = rule.source;
    if (fmt.include_tags) j["tags"] = rule.tags;
    j["time"] = format_utc_z(ev.ts);
    if (fmt.include_uuid) j["uuid"] = random_uuid_v4();
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sensor::output
