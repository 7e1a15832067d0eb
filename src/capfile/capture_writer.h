#pragma once
// Writes capture files off the event loop's thread. The loop hands over records with
// append(): a copy into a preallocated buffer under a short lock, never a wait, never an
// allocation; a record that does not fit is dropped and counted. A writer thread swaps the
// buffer out and writes it. begin()/end() travel in the same buffer, so records land in the
// file that was open when they were appended.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "format.h"
#include "snapshot.h"

namespace sensor::capfile {

// One capture file to write.
struct FileRequest {
    std::string path;
    Header header;
    StateSnapshot state;
    std::string proc_root = "/proc", host_root = "/";  // the snapshot is completed from them
    uint64_t max_bytes = 0;                            // 0: no limit
    bool overwrite = false;  // false: an existing file is an error (rule captures never clobber)
};

struct WriterStats {
    uint64_t files = 0;         // files finished
    uint64_t records = 0;       // records written
    uint64_t dropped = 0;       // records lost: the hand-over buffer was full
    uint64_t cut_records = 0;   // records not written: a file reached max_bytes
    uint64_t cut_files = 0;     // files cut at max_bytes
    uint64_t failed_files = 0;  // files that could not be created or written
};

class CaptureWriter {
  public:
    // level 0 info, 1 warning, 2 error; called on the writer's thread.
    using Log = std::function<void(int level, const std::string& message)>;

    // buffer_bytes: each of the two hand-over buffers.
    CaptureWriter(size_t buffer_bytes, Log log);
    ~CaptureWriter();  // finishes pending work and the open file
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    void begin(FileRequest request);
    void append(const void* record, size_t size);
    // cgroups: a cgroups_json() text written before the end block (may be empty).
    void end(const std::string& cgroups = {});
    // Set when the open file was cut at max_bytes (the loop then ends its capture); cleared
    // by begin().
    bool cut() const { return cut_.load(std::memory_order_relaxed); }
    // Waits until everything appended so far is written (tests, shutdown).
    void flush();
    WriterStats stats() const;

  private:
    enum Tag : uint32_t { kRecord = 1, kBegin = 2, kEnd = 3, kDropped = 4 };
    struct Open;

    void push(Tag tag, const void* data, size_t size);
    void insert(Tag tag, const void* data, size_t size);
    void count_dropped(const unsigned char* data);
    void run();
    void process(const std::vector<unsigned char>& batch,
                 std::vector<std::unique_ptr<FileRequest>>& requests);
    void open_file(FileRequest& r);
    void write_record(const unsigned char* data, size_t size);
    void close_file(std::string_view cgroups = {});

    size_t capacity_;
    Log log_;
    mutable std::mutex mu_;
    std::condition_variable wake_, idle_;
    std::vector<unsigned char> front_, back_;
    std::vector<std::unique_ptr<FileRequest>> requests_;  // begin() entries, in order
    uint64_t dropped_pending_ = 0;    // records dropped since the last entry (under mu_)
    uint64_t pushed_ = 0, done_ = 0;  // batches taken and written, for flush()
    bool stop_ = false;
    std::atomic<bool> cut_{false};
    std::unique_ptr<Open> open_;  // the writer thread's
    WriterStats stats_;           // under mu_
    std::thread thread_;
};

// Falco's capture file name: PREFIX_<ts, 20 digits>_<event number, 20 digits>, plus ".cap".
std::string capture_file_name(const std::string& prefix, uint64_t ts_ns, uint64_t event_num);

}  // namespace sensor::capfile
