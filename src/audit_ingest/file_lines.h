#pragma once
// What both file inputs do with the bytes they read: cut lines, queue each one (waiting for
// room: a file is not live data, nothing may be dropped), count.
#include "sensor/audit_ingest/audit_input.h"
#include "sensor/audit_ingest/line_splitter.h"
#include "sensor/audit_ingest/payload_queue.h"

#include <atomic>
#include <string_view>

namespace sensor::audit_ingest {

class FileLines {
  public:
    FileLines(const InputConfig& cfg, PayloadQueue& queue, InputCounters& counters,
              const std::atomic<bool>& stop);

    // False when the input stopped meanwhile.
    bool feed(std::string_view data);
    // Delivers an unterminated last line (the end of a file that will not grow any more).
    bool flush();
    // Forgets a partial line (its file was truncated under it).
    void reset() { splitter_.reset(); }
    // Skips up to the next newline: reading starts in the middle of a line.
    void skip_partial_line() { splitter_.skip_to_newline(); }

  private:
    bool queue_line(std::string& line);
    void sync_too_long();

    LineSplitter splitter_;
    PayloadQueue& queue_;
    InputCounters& counters_;
    const std::atomic<bool>& stop_;
    uint64_t too_long_seen_ = 0;
};

}  // namespace sensor::audit_ingest
