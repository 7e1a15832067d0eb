#pragma once
// A destination for alerts. Sinks run on their own output thread only, so they may block
// briefly; each write's outcome is counted by the worker.
#include <string>

#include "sensor/output/alert_queue.h"

namespace sensor::output {

enum class WriteOutcome {
    written,      // accepted (or buffered until flush())
    failed,       // this alert is lost (rejected, or partly written); counted as failed
    unavailable,  // nothing was written: the destination is down; the alert is kept and
                  // retried after a back-off
};

class Sink {
  public:
    virtual ~Sink() = default;
    virtual const char* name() const = 0;
    // Delivers one alert (or buffers it until flush()); last_error says why when not written.
    virtual WriteOutcome write(const Alert& alert) = 0;
    // End of a batch: pushes out whatever write() buffered. False (with last_error) loses it.
    virtual bool flush() { return true; }
    // Reopens the destination (after log rotation). False with last_error on failure.
    virtual bool reopen() { return true; }

    std::string last_error;
};

}  // namespace sensor::output
