#pragma once
// Cuts a byte stream into lines for the file inputs. A line without its newline yet stays
// buffered; a line over the limit is skipped whole (up to its newline) and counted, because
// one oversized Event must not end the stream.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sensor::audit_ingest {

class LineSplitter {
  public:
    explicit LineSplitter(size_t max_line) : max_line_(max_line) {}

    // Calls on_line for each complete, non-empty line (without "\n" or "\r\n"); on_line
    // returns false to stop (the rest of `data` is then not consumed: returns what was).
    using OnLine = std::function<bool(std::string& line)>;
    size_t feed(std::string_view data, const OnLine& on_line);
    // The bytes after the last newline, given as a line (a file's unterminated last line).
    bool flush(const OnLine& on_line);
    // Forgets the buffered partial line (the file was truncated under it).
    void reset();
    // Drops what comes up to the next newline, uncounted (the tail of a line begun earlier).
    void skip_to_newline() {
        partial_.clear();
        skipping_ = true;
    }
    bool has_partial() const { return !partial_.empty() || skipping_; }
    uint64_t too_long() const { return too_long_; }

  private:
    bool emit(const OnLine& on_line);

    size_t max_line_;
    std::string partial_;
    bool skipping_ = false;  // inside an oversized line, until its newline
    uint64_t too_long_ = 0;
};

}  // namespace sensor::audit_ingest
