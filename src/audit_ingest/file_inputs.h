#pragma once
// The file inputs. file://PATH follows a log file from its end, like `tail -F`: it polls
// (every 200 ms; rotation happens rarely and a poll needs no inotify watch budget) and
// survives rename/create rotation and copytruncate. A plain path is read once: a file, or a
// directory's regular files in mtime order. Each line is one payload.
#include "sensor/audit_ingest/audit_input.h"
#include "sensor/audit_ingest/file_lines.h"
#include "sensor/audit_ingest/payload_queue.h"

#include <sys/types.h>

#include <atomic>
#include <string>
#include <thread>

namespace sensor::audit_ingest {

// What the two file inputs share: the queue, the thread, stopping.
class FileInputBase : public AuditInput {
  public:
    FileInputBase(const InputConfig& cfg, std::string path);
    ~FileInputBase() override;
    void stop() override;
    size_t drain(std::vector<std::string>& out, size_t max) override;
    int wait_fd() const override { return queue_.event_fd(); }
    bool finished() const override { return finished_; }
    const InputCounters& counters() const override { return counters_; }

  protected:
    // Sleeps up to ms; false when the input is stopping.
    bool pause(int ms);

    InputConfig cfg_;
    std::string path_;
    InputCounters counters_;
    PayloadQueue queue_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    FileLines lines_;
    int stop_fd_ = -1;
    std::thread thread_;
};

class FollowFileInput : public FileInputBase {
  public:
    using FileInputBase::FileInputBase;
    ~FollowFileInput() override;
    bool start(std::string& error) override;
    std::string describe() const override { return "file (followed) " + path_; }

  private:
    void run();
    bool read_to_eof();
    void check_truncation();
    void check_rotation();
    bool open_current(bool from_end);

    int fd_ = -1;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    off_t offset_ = 0;
};

class ReadOnceInput : public FileInputBase {
  public:
    using FileInputBase::FileInputBase;
    ~ReadOnceInput() override { stop(); }
    bool start(std::string& error) override;
    std::string describe() const override { return "files (read once) " + path_; }

  private:
    void run();
    bool read_file(const std::string& file);

    std::vector<std::string> files_;
};

// The regular files of a directory, oldest modification first (then by name).
std::vector<std::string> files_by_mtime(const std::string& dir);

}  // namespace sensor::audit_ingest
