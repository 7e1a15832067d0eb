#pragma once
// Alerts as lines on a file descriptor: stdout, or a file opened in append mode (reopened on
// request, so logrotate's rename-then-signal works).
#include <string>

#include "sensor/output/sink.h"

namespace sensor::output {

class FdSink : public Sink {
  public:
    // Writes to an fd it does not own (stdout).
    FdSink(const char* name, int fd, bool buffered);
    ~FdSink() override;
    const char* name() const override { return name_; }
    WriteOutcome write(const Alert& alert) override;
    bool flush() override;

  protected:
    FdSink(const char* name, bool buffered);  // for subclasses that open their own fd
    // Writes all of data, waiting a bounded time for a slow reader (a full pipe). Sets
    // written_any when some bytes went out before a failure.
    bool write_all(const char* data, size_t size, bool& written_any);
    bool write_all_blocked(const char* data, size_t size, bool& written_any);

    const char* name_;
    // Regular files never make a writer wait, so they are written without poll() and in one
    // piece; pipes and terminals get bounded waits and PIPE_BUF pieces.
    void note_fd_kind();

    int fd_ = -1;
    bool regular_file_ = false;
    bool owns_fd_ = false;
    bool buffered_;
    std::string buf_;
};

class FileSink : public FdSink {
  public:
    // keep_alive: hold the file open between batches (else open and close it per batch,
    // as Falco's file_output.keep_alive: false).
    FileSink(std::string path, bool keep_alive, bool buffered);
    // Opens the file; false with last_error (an unwritable path is a start-up error).
    bool open();
    WriteOutcome write(const Alert& alert) override;
    bool flush() override;
    bool reopen() override;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    bool keep_alive_;
};

}  // namespace sensor::output
