#include "run_signals.h"

#include <signal.h>

#include <atomic>

namespace sensor::daemon {
namespace {

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_reload = 0;
std::atomic<std::vector<std::unique_ptr<output::OutputWorker>>*> g_workers{nullptr};

void on_stop_signal(int) {
    g_stop = 1;
}

void on_reopen_signal(int sig) {
    if (auto* ws = g_workers.load(std::memory_order_relaxed))
        for (auto& w : *ws) w->request_reopen();  // an atomic store: signal-safe
    if (sig == SIGHUP) g_reload = 1;
}

}  // namespace

void install_run_signals(std::vector<std::unique_ptr<output::OutputWorker>>* workers) {
    g_workers.store(workers);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns so the loop sees the flag
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    struct sigaction ra {};
    ra.sa_handler = on_reopen_signal;
    sigemptyset(&ra.sa_mask);
    ra.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &ra, nullptr);
    sigaction(SIGHUP, &ra, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

void clear_reopen_targets() {
    g_workers.store(nullptr);
}

bool stop_requested() {
    return g_stop != 0;
}

void request_stop() {
    g_stop = 1;
}

bool take_reload_request() {
    if (!g_reload) return false;
    g_reload = 0;
    return true;
}

}  // namespace sensor::daemon
