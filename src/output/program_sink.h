#pragma once
// Alerts as lines on the standard input of a program run through /bin/sh -c (Falco's
// program_output). keep_alive: one long-running program, restarted when it exits and on a
// reopen (SIGUSR1/SIGHUP); otherwise a new program per batch, as Falco starts one per alert.
#include <sys/types.h>

#include <string>

#include "sensor/output/fd_sink.h"

namespace sensor::output {

class ProgramSink : public FdSink {
  public:
    ProgramSink(std::string command, bool keep_alive, bool buffered);
    ~ProgramSink() override;
    WriteOutcome write(const Alert& alert) override;
    bool flush() override;
    bool reopen() override;

  private:
    bool start();
    // Closes the program's input and waits (bounded) for it to finish.
    void finish();

    std::string command_;
    bool keep_alive_;
    pid_t child_ = -1;
};

}  // namespace sensor::output
