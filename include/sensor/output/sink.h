#pragma once
// A destination for alerts. Sinks run on the output thread only, so they may block briefly;
// each write's success or failure is counted by the worker.
#include <string>

#include "sensor/output/alert_queue.h"

namespace sensor::output {

class Sink {
  public:
    virtual ~Sink() = default;
    virtual const char* name() const = 0;
    // Delivers one alert (or buffers it until flush()). False on failure, with last_error set.
    virtual bool write(const Alert& alert) = 0;
    // End of a batch: pushes out whatever write() buffered.
    virtual bool flush() { return true; }
    // Reopens the destination (after log rotation). False with last_error on failure.
    virtual bool reopen() { return true; }

    std::string last_error;
};

}  // namespace sensor::output
