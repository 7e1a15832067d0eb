#include "sensor/audit_ingest/file_lines.h"

namespace sensor::audit_ingest {

FileLines::FileLines(const InputConfig& cfg, PayloadQueue& queue, InputCounters& counters,
                     const std::atomic<bool>& stop)
    : splitter_(cfg.max_line_size != 0 ? cfg.max_line_size : cfg.max_event_size),
      queue_(queue),
      counters_(counters),
      stop_(stop) {}

bool FileLines::queue_line(std::string& line) {
    size_t size = line.size();
    if (!queue_.push_wait(line, stop_)) return false;
    ++counters_.lines;
    counters_.bytes += size;
    return true;
}

void FileLines::sync_too_long() {
    uint64_t now = splitter_.too_long();
    counters_.lines_too_long += now - too_long_seen_;
    too_long_seen_ = now;
}

bool FileLines::feed(std::string_view data) {
    splitter_.feed(data, [this](std::string& line) { return queue_line(line); });
    sync_too_long();
    return !stop_;
}

bool FileLines::flush() {
    splitter_.flush([this](std::string& line) { return queue_line(line); });
    sync_too_long();
    return !stop_;
}

}  // namespace sensor::audit_ingest
