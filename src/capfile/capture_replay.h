#pragma once
// Replay of a capture file through the live decode path: the snapshot restored into fresh
// process, fd, container and user tables, then every record given to a RecordDecoder, with
// the clock offset the live decoder had. Nothing is read from this host's /proc or /etc.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "format.h"
#include "sensor/capture/record_decoder.h"
#include "sensor/state/container_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/process_table.h"
#include "sensor/state/user_table.h"

namespace sensor::capfile {

class CaptureReplay {
  public:
    CaptureReplay();
    ~CaptureReplay();
    CaptureReplay(const CaptureReplay&) = delete;
    CaptureReplay& operator=(const CaptureReplay&) = delete;

    // Reads the file and restores its state; false with error (file, offset, item).
    bool open(const std::string& path, std::string& error);
    // Decodes every record in order; fn(event) for each event, before the decoder applies
    // what must follow it (as the live loop evaluates).
    template <typename Fn>
    void run(Fn&& fn) {
        for (size_t i = 0; i < file_.records.size(); ++i) {
            const void* rec = aligned_record(i);
            if (const fields::Event* ev = decoder_->decode(rec, file_.records[i].second)) fn(*ev);
            decoder_->finish();
        }
    }
    const CaptureFile& file() const { return file_; }
    const capture::DecoderStats& stats() const { return decoder_->stats(); }

  private:
    const void* aligned_record(size_t i);

    CaptureFile file_;
    std::deque<state::ContainerInfo> containers_store_;
    std::unique_ptr<state::UserTable> users_;
    std::unique_ptr<state::ContainerTable> containers_;
    std::unique_ptr<state::ProcessTable> procs_;
    std::unique_ptr<state::FdTable> fds_;
    std::unique_ptr<capture::RecordDecoder> decoder_;
    std::vector<uint64_t> scratch_;  // the record being decoded, 8-byte aligned
};

}  // namespace sensor::capfile
