#pragma once
// Hot reload of the rules: asked for by SIGHUP or by inotify when a rules file, a rules
// directory or the config file changes. The new set is read and compiled on a background
// thread while the event loop keeps evaluating the old one; the loop then swaps it in
// between two events. A set that does not load is reported in full and the running one kept.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "sensor/rules/loader.h"

namespace sensor::daemon {

struct ReloadSource {
    std::string config_path;              // re-read for rules_files and rule options ("" none)
    std::vector<std::string> overrides;   // -o key=value, applied after the file
    std::vector<std::string> rules_args;  // -r FILE..., which win over rules_files
    // watch_config_files: the config files and config_files directories to watch (empty: the
    // config is re-read on SIGHUP and rules changes only).
    std::vector<std::string> config_files;
    std::vector<std::string> config_directories;
    // The settings a reload cannot apply, as loaded at start (changes are logged).
    std::vector<std::pair<std::string, std::string>> restart_only_settings;
};

class RulesReloader {
  public:
    RulesReloader(ReloadSource source, std::vector<std::string> rules_files);
    ~RulesReloader();
    RulesReloader(const RulesReloader&) = delete;
    RulesReloader& operator=(const RulesReloader&) = delete;

    // Watches the rules paths (and the directories of files, since editors replace files)
    // and the config file; false with error when inotify is unavailable.
    bool watch(std::string& error);
    // SIGHUP: reload at the next poll.
    void request() { requested_ = true; }
    // Event loop, each iteration: notices changes (debounced), starts a compile, and returns
    // a result once one is done (ok or not).
    std::optional<rules::LoadResult> poll(uint64_t now_ns);
    const std::vector<std::string>& rules_files() const { return rules_files_; }

  private:
    void add_watch(const std::string& path);
    bool changes_seen();
    rules::LoadResult compile();
    void log_restart_only_changes(const std::vector<std::pair<std::string, std::string>>& now);

    ReloadSource source_;
    std::vector<std::string> rules_files_;
    int inotify_fd_ = -1;
    std::vector<std::string> watched_;
    std::atomic<bool> requested_{false};
    uint64_t change_at_ns_ = 0;  // a change seen, waiting for the writer to finish
    std::future<rules::LoadResult> pending_;
};

}  // namespace sensor::daemon
