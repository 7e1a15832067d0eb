#include "capture_recorder.h"

#include <spdlog/spdlog.h>

#include <sys/utsname.h>
#include <unistd.h>

#include "run_clock.h"
#include "sensor/capfile/snapshot.h"

namespace sensor::daemon {
namespace {

constexpr size_t kHandOverBytes = 4u << 20;  // each of the writer's two buffers

void log_writer(int level, const std::string& message) {
    if (level == 0) spdlog::info("{}", message);
    if (level == 1) spdlog::warn("{}", message);
    if (level == 2) spdlog::error("{}", message);
}

capfile::Header host_header() {
    capfile::Header h;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) h.hostname = host;
    utsname u{};
    if (::uname(&u) == 0) {
        h.machine = u.machine;
        h.kernel = u.release;
    }
    h.sensor_version = SENSOR_VERSION;
    return h;
}

}  // namespace

std::unique_ptr<CaptureRecorder> CaptureRecorder::make(const RecorderParts& parts) {
    if (!parts.cfg.enabled && parts.cfg.record_all_path.empty()) return nullptr;
    return std::make_unique<CaptureRecorder>(parts);
}

CaptureRecorder::CaptureRecorder(const RecorderParts& parts)
    : parts_(parts), writer_(kHandOverBytes, log_writer) {
    if (parts_.cfg.enabled && parts_.cfg.record_all_path.empty() && parts_.cfg.pre_match_bytes)
        history_.emplace(parts_.cfg.pre_match_bytes);
    if (parts_.cfg.enabled && !parts_.cfg.record_all_path.empty())
        spdlog::warn("capture: --capture records everything; rules start no capture files");
}

void CaptureRecorder::open(std::string path, std::string reason, std::string rule,
                           uint64_t now_ns) {
    capfile::FileRequest r;
    r.path = std::move(path);
    r.header = host_header();
    r.header.boot_to_epoch_ns = parts_.decoder.boot_to_epoch_ns();
    r.header.created_ns = now_ns;
    r.header.reason = std::move(reason);
    r.header.rule = std::move(rule);
    r.state = capfile::take_snapshot(parts_.procs, parts_.fds, parts_.decoder);
    r.proc_root = parts_.proc_root;
    r.host_root = parts_.host_root;
    r.max_bytes = parts_.cfg.max_file_size_mb << 20;
    r.overwrite = recording_all_;  // --capture FILE names its file; rules' names are fresh
    uint64_t pre = 0;
    if (history_) history_->for_each([&](const void*, size_t) { ++pre; });
    r.header.pre_match_records = pre;
    writer_.begin(std::move(r));
    if (history_) history_->for_each([&](const void* rec, size_t n) { writer_.append(rec, n); });
    open_ = true;
}

void CaptureRecorder::start_recording_all(uint64_t now_ns) {
    if (parts_.cfg.record_all_path.empty()) return;
    recording_all_ = true;
    deadline_ns_ = parts_.cfg.record_all_ms ? now_ns + parts_.cfg.record_all_ms * 1000000 : 0;
    open(parts_.cfg.record_all_path, "command line", "", now_ns);
}

// Falco's semantics: every match while capturing is enabled extends the deadline (its rule's
// capture_duration, else default_duration); a file starts on a match of a `capture: true`
// rule, or of any rule in all_rules mode.
void CaptureRecorder::on_match(const engine::CompiledRule& rule, const fields::Event& ev) {
    if (recording_all_ || !parts_.cfg.enabled || ev.source != fields::kSyscallSource) return;
    uint64_t ms =
        rule.capture_duration_ms ? rule.capture_duration_ms : parts_.cfg.default_duration_ms;
    if (!open_ && !(rule.capture || parts_.cfg.all_rules)) return;
    uint64_t deadline = ev.ts + ms * 1000000;
    if (!open_) {
        deadline_ns_ = deadline;
        open(capfile::capture_file_name(parts_.cfg.path_prefix, ev.ts, ev.num), "rule", rule.name,
             realtime_ns());
        return;
    }
    deadline_ns_ = std::max(deadline_ns_, deadline);
}

void CaptureRecorder::finish() {
    writer_.end(capfile::cgroups_json(parts_.decoder));
    open_ = false;
    deadline_ns_ = 0;
    recording_all_ = false;
}

void CaptureRecorder::tick(uint64_t now_ns) {
    if (open_ && ((deadline_ns_ && now_ns >= deadline_ns_) || writer_.cut())) finish();
}

void CaptureRecorder::stop() {
    if (open_) finish();
    writer_.flush();
}

void CaptureRecorder::log_stop_report() const {
    capfile::WriterStats s = writer_.stats();
    spdlog::info(
        "capture files: {} written, {} records; {} records dropped (writer buffer full), {} "
        "cut at capture.max_file_size_mb in {} files, {} files failed",
        s.files, s.records, s.dropped, s.cut_records, s.cut_files, s.failed_files);
}

}  // namespace sensor::daemon
