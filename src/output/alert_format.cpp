#include "sensor/output/alert_format.h"

#include <algorithm>
#include <functional>

#include <ctime>
#include <initializer_list>
#include <random>

#include "sensor/events/time_format.h"
#include "sensor/fields/json_text.h"

namespace sensor::output {

using fields::append_json_int;
using fields::append_json_string;
using fields::append_json_uint;

namespace {

// strftime and the time zone lookup cost more than the rest of an alert, so each thread
// keeps the current UTC date, and the local UTC offset per quarter hour (zones change offset
// only on quarter hours), and writes the time of day itself.
constexpr uint64_t kNsPerSec = 1000000000ULL;

void append_two(std::string& out, uint64_t v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

void append_clock(uint64_t ts_ns, int64_t offset_s, std::string& out) {
    int64_t secs = static_cast<int64_t>(ts_ns / kNsPerSec) + offset_s;
    uint64_t day_secs = static_cast<uint64_t>(((secs % 86400) + 86400) % 86400);
    append_two(out, day_secs / 3600);
    out += ':';
    append_two(out, day_secs / 60 % 60);
    out += ':';
    append_two(out, day_secs % 60);
    char ns[10];
    uint64_t frac = ts_ns % kNsPerSec;
    ns[0] = '.';
    for (int i = 9; i >= 1; --i) {
        ns[i] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    out.append(ns, 10);
}

// "HH:MM:SS.nnnnnnnnn" in local time.
void append_local_time(uint64_t ts_ns, std::string& out) {
    thread_local uint64_t quarter = ~0ull;
    thread_local int64_t offset = 0;
    uint64_t q = ts_ns / kNsPerSec / 900;
    if (q != quarter) {
        time_t t = static_cast<time_t>(ts_ns / kNsPerSec);
        struct tm tm {};
        localtime_r(&t, &tm);
        offset = tm.tm_gmtoff;
        quarter = q;
    }
    append_clock(ts_ns, offset, out);
}

// "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" in UTC.
void append_utc_time(uint64_t ts_ns, std::string& out) {
    thread_local uint64_t day = ~0ull;
    thread_local std::string date;
    uint64_t d = ts_ns / kNsPerSec / 86400;
    if (d != day) {
        date.clear();
        events::append_time(d * 86400 * kNsPerSec, true, "%Y-%m-%dT", false, date);
        day = d;
    }
    out += date;
    append_clock(ts_ns, 0, out);
}

void append_uuid_v4(std::string& out) {
    // Per-thread generator seeded from the OS; the Elastic integration only needs ids that
    // do not collide, not secrecy.
    thread_local std::mt19937_64 gen{std::random_device{}() ^
                                     (static_cast<uint64_t>(std::random_device{}()) << 32)};
    uint64_t hi = gen(), lo = gen();
    hi = (hi & ~0xf000ull) | 0x4000ull;                  // version 4
    lo = (lo & ~(0xc000ull << 48)) | (0x8000ull << 48);  // variant 10
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[36];
    size_t o = 0;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) buf[o++] = '-';
        uint64_t word = i < 16 ? hi : lo;
        buf[o++] = kHex[(word >> (60 - 4 * (i % 16))) & 15];
    }
    out.append(buf, sizeof buf);
}

// "TIME: Priority message" (Falco's text line, also the JSON `output`).
void append_text_line(engine::Priority priority, uint64_t ts, const AlertFormat& fmt,
                      std::string_view message, std::string& out) {
    if (fmt.iso8601) {
        append_utc_time(ts, out);
        out += "+0000";
    } else {
        append_local_time(ts, out);
    }
    out += ": ";
    out += engine::priority_name(priority);
    out += ' ';
    out += message;
}

}  // namespace

std::string format_local_time(uint64_t ts_ns) {
    std::string out;
    append_local_time(ts_ns, out);
    return out;
}
std::string format_iso8601_offset(uint64_t ts_ns) {
    std::string out;
    append_utc_time(ts_ns, out);
    return out + "+0000";
}
std::string format_utc_z(uint64_t ts_ns) {
    std::string out;
    append_utc_time(ts_ns, out);
    return out + "Z";
}

std::string render_message(const engine::CompiledRule& rule, const fields::Event& ev) {
    std::string msg;
    rule.output.render(ev, msg);
    return msg;
}

std::string random_uuid_v4() {
    std::string out;
    append_uuid_v4(out);
    return out;
}

namespace {

// The alert around a message: the text line, or Falco's JSON object with the keys in sorted
// order (as Falco, and nlohmann's std::map, write them). write_fields appends the
// `output_fields` object.
// What an alert says about what raised it: a rule, or a sequence.
struct AlertHead {
    std::string_view name;
    engine::Priority priority;
    std::string_view source;
    const std::vector<std::string>& tags;
};

AlertHead head_of(const engine::CompiledRule& rule) {
    return {rule.name, rule.priority, rule.source_name(), rule.tags};
}

template <typename WriteFields>
void write_alert(const AlertHead& rule, uint64_t ts, const AlertFormat& fmt,
                 std::string_view message, WriteFields&& write_fields, std::string& out) {
    thread_local std::string line;
    out.clear();
    if (!fmt.json) {
        append_text_line(rule.priority, ts, fmt, message, out);
        return;
    }
    out += "{\"hostname\":";
    append_json_string(out, fmt.hostname);
    if (fmt.include_message) {
        out += ",\"message\":";
        append_json_string(out, message);
    }
    if (fmt.include_output) {
        line.clear();
        append_text_line(rule.priority, ts, fmt, message, line);
        out += ",\"output\":";
        append_json_string(out, line);
    }
    if (fmt.include_output_fields) {
        out += ",\"output_fields\":";
        write_fields(fmt.iso8601 ? "evt.time.iso8601" : "evt.time");
    }
    out += ",\"priority\":";
    append_json_string(out, engine::priority_name(rule.priority));
    out += ",\"rule\":";
    append_json_string(out, rule.name);
    out += ",\"source\":";
    append_json_string(out, rule.source);
    if (fmt.include_tags) {
        out += ",\"tags\":[";
        for (size_t i = 0; i < rule.tags.size(); ++i) {
            if (i) out += ',';
            append_json_string(out, rule.tags[i]);
        }
        out += ']';
    }
    out += ",\"time\":\"";
    append_utc_time(ts, out);
    out += "Z\"";
    if (fmt.include_uuid) {
        out += ",\"uuid\":\"";
        append_uuid_v4(out);
        out += '"';
    }
    out += '}';
}

}  // namespace

void format_alert_into(const engine::CompiledRule& rule, const fields::Event& ev,
                       const AlertFormat& fmt, std::string& out) {
    // Per-thread scratch: steady state allocates nothing.
    thread_local std::string message, scratch;
    message.clear();
    rule.output.render(ev, message);
    write_alert(
        head_of(rule), ev.ts, fmt, message,
        [&](std::string_view time_key) {
            rule.output.append_fields_json(ev, time_key, ev.ts, out, scratch);
        },
        out);
}

namespace {

// The output_fields of an internal alert: the time, then counters whose keys the caller gives
// in sorted order, all after the time key (as Falco's sorted objects have them).
void append_counter_fields(std::string& out, std::string_view time_key, uint64_t ts_ns,
                           std::initializer_list<std::pair<std::string_view, uint64_t>> counters) {
    out += '{';
    append_json_string(out, time_key);
    out += ':';
    append_json_uint(out, ts_ns);
    for (const auto& [key, value] : counters) {
        out += ',';
        append_json_string(out, key);
        out += ':';
        append_json_uint(out, value);
    }
    out += '}';
}

}  // namespace

void format_dedup_summary_into(const engine::CompiledRule& rule, uint64_t suppressed,
                               uint64_t window_s, uint64_t ts_ns, const AlertFormat& fmt,
                               std::string& out) {
    thread_local std::string message;
    message.clear();
    message += "Rule '";
    message += rule.name;
    message += "': ";
    append_json_uint(message, suppressed);
    message += " more alerts in ";
    append_json_uint(message, window_s);
    message += " s, held back by alert_dedup";
    write_alert(
        head_of(rule), ts_ns, fmt, message,
        [&](std::string_view time_key) {
            append_counter_fields(
                out, time_key, ts_ns,
                {{"sensor.dedup.suppressed", suppressed}, {"sensor.dedup.window_s", window_s}});
        },
        out);
}

void format_drop_alert_into(const ops::DropReport& report, uint64_t ts_ns, const AlertFormat& fmt,
                            std::string& out) {
    static const engine::CompiledRule internal = [] {
        engine::CompiledRule r;
        r.name = "Falco internal: syscall event drop";
        r.priority = engine::Priority::Critical;
        return r;
    }();
    thread_local std::string message;
    message.clear();
    // An episode of one interval lasted up to a second: at least 1 ms is shown.
    const uint64_t ms = std::max<uint64_t>(1, (report.end_ns - report.start_ns) / 1000000);
    append_json_uint(message, report.drops);
    message += " system calls dropped in ";
    append_json_uint(message, ms);
    message += " ms (";
    append_json_uint(message, report.episodes);
    message += report.episodes == 1 ? " drop episode)." : " drop episodes).";
    const uint64_t buffer = report.by_reason.empty() ? report.drops : report.by_reason[0];
    write_alert(
        head_of(internal), ts_ns, fmt, message,
        [&](std::string_view time_key) {
            append_counter_fields(out, time_key, ts_ns,
                                  {{"n_drops", report.drops},
                                   {"n_evts", report.records + report.drops},
                                   {"n_drops_buffer_total", buffer},
                                   {"sensor.drops.episodes", report.episodes},
                                   {"sensor.drops.duration_ms", ms}});
        },
        out);
}

void format_internal_alert_into(std::string_view rule, engine::Priority priority,
                                std::string_view message, std::string_view output_fields_json,
                                uint64_t ts_ns, const AlertFormat& fmt, std::string& out) {
    static const std::vector<std::string> no_tags;
    const AlertHead head{rule, priority, "internal", no_tags};
    write_alert(
        head, ts_ns, fmt, message, [&](std::string_view) { out += output_fields_json; }, out);
}

void format_correlation_into(const engine::CompiledSequence& seq, uint64_t ts_ns,
                             std::string_view message, const std::vector<CorrelationField>& fields,
                             const std::vector<CorrelationStep>& steps, const AlertFormat& fmt,
                             std::string& out) {
    const AlertHead head{seq.name, seq.priority, "correlation", seq.tags};
    write_alert(
        head, ts_ns, fmt, message,
        [&](std::string_view time_key) {
            // Falco's sorted keys: the step list, the captured fields and the time, by name.
            std::vector<std::pair<std::string_view, std::function<void()>>> entries;
            entries.emplace_back("correlation.steps", [&] {
                out += '[';
                for (size_t i = 0; i < steps.size(); ++i) {
                    if (i) out += ',';
                    out += "{\"step\":";
                    append_json_uint(out, i + 1);
                    out += ",\"match\":";
                    append_json_string(out, steps[i].what);
                    out += ",\"time\":\"";
                    append_utc_time(steps[i].ts, out);
                    out += "Z\",\"ref\":";
                    append_json_string(out, steps[i].ref);
                    out += '}';
                }
                out += ']';
            });
            entries.emplace_back(time_key, [&] { append_json_uint(out, ts_ns); });
            for (const auto& f : fields)
                entries.emplace_back(f.name, [&] {
                    if (f.value)
                        append_json_string(out, *f.value);
                    else
                        out += "null";
                });
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
            out += '{';
            for (size_t i = 0; i < entries.size(); ++i) {
                if (i) out += ',';
                append_json_string(out, entries[i].first);
                out += ':';
                entries[i].second();
            }
            out += '}';
        },
        out);
}

std::string format_alert(const engine::CompiledRule& rule, const fields::Event& ev,
                         const AlertFormat& fmt) {
    std::string out;
    format_alert_into(rule, ev, fmt, out);
    return out;
}

}  // namespace sensor::output
