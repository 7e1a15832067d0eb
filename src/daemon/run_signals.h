#pragma once
// Signals of `sensor run`: SIGINT/SIGTERM stop the loop; SIGUSR1 makes every output reopen
// its destination (logrotate renames the file, then signals, as with Falco); SIGHUP does
// that and also reloads the rules; SIGPIPE is ignored (sinks see EPIPE instead).
#include <memory>
#include <vector>

#include "sensor/output/output_worker.h"

namespace sensor::daemon {

// workers: reopened on SIGUSR1/SIGHUP until clear_reopen_targets().
void install_run_signals(std::vector<std::unique_ptr<output::OutputWorker>>* workers);
void clear_reopen_targets();

bool stop_requested();
void request_stop();
// True once per SIGHUP.
bool take_reload_request();

}  // namespace sensor::daemon
