#pragma once
// Capture files during `sensor run` (docs/capture.md): Falco's `capture` (a match of a rule
// with `capture: true`, or of any rule in all_rules mode, starts a file of the events around
// it; later matches extend it) and `sensor run --capture FILE` (every record from the start).
// The loop calls on_record() for every probe record before decoding it: a copy into the
// history of recent records and, while a file is open, into the writer's buffer.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "capture_keys.h"
#include "record.h"
#include "sensor/capfile/capture_writer.h"
#include "sensor/capfile/record_history.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/engine/ruleset.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"

namespace sensor::daemon {

struct RecorderParts {
    const CaptureFileConfig& cfg;
    std::string proc_root, host_root;
    const state::ProcessTable& procs;
    const state::FdTable& fds;
    const capture::RecordDecoder& decoder;
};

class CaptureRecorder {
  public:
    // Null when neither capture.enabled nor --capture asks for files.
    static std::unique_ptr<CaptureRecorder> make(const RecorderParts& parts);
    explicit CaptureRecorder(const RecorderParts& parts);

    // --capture FILE: opens it now (after the /proc scan), with the whole state.
    void start_recording_all(uint64_t now_ns);

    void on_record(const void* record, size_t size) {
        if (history_) history_->push(record, size);
        if (!open_) return;
        writer_.append(record, size);
        uint64_t ts = static_cast<const sensor_record_header*>(record)->ts_ns;
        if (deadline_ns_ && ts + parts_.decoder.boot_to_epoch_ns() >= deadline_ns_) finish();
    }
    void on_match(const engine::CompiledRule& rule, const fields::Event& ev);
    // Once a second: ends a file past its deadline on a quiet host, or cut at the size limit.
    void tick(uint64_t now_ns);
    void stop();  // ends the open file and waits for the writer
    void log_stop_report() const;

  private:
    void open(std::string path, std::string reason, std::string rule, uint64_t now_ns);
    void finish();

    RecorderParts parts_;
    capfile::CaptureWriter writer_;
    std::optional<capfile::RecordHistory> history_;
    bool open_ = false;
    bool recording_all_ = false;
    uint64_t deadline_ns_ = 0;  // epoch ns; 0: none
};

}  // namespace sensor::daemon
