// The bare cost of hooking syscalls: an empty program on the sys_exit raw tracepoint, the
// point the sensor's probe attaches to. Enabling it puts every syscall on the kernel's slow
// exit path, which no probe can avoid; the load harness measures it so a run can say how much
// of the sensor's cost is the hook and how much is the probe's own work.
#pragma once

#include <string>

class EmptySysExitHook {
  public:
    EmptySysExitHook() = default;
    EmptySysExitHook(const EmptySysExitHook&) = delete;
    EmptySysExitHook& operator=(const EmptySysExitHook&) = delete;
    ~EmptySysExitHook() { detach(); }

    // Loads and attaches the program; false with `error` set when the kernel refuses.
    bool attach(std::string& error);
    void detach();

  private:
    int prog_fd_ = -1;
    int link_fd_ = -1;
};
