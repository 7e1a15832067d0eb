#include "rules_reloader.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>

#include <spdlog/spdlog.h>

#include "run_config.h"
#include "sensor/rules/rule_selection.h"

namespace sensor::daemon {
namespace {
// Editors and ConfigMap updates write in several steps: wait for quiet before reading.
constexpr uint64_t kDebounceNs = 300000000ull;
}  // namespace

RulesReloader::RulesReloader(ReloadSource source, std::vector<std::string> rules_files)
    : source_(std::move(source)), rules_files_(std::move(rules_files)) {}

RulesReloader::~RulesReloader() {
    if (pending_.valid()) pending_.wait();
    if (inotify_fd_ >= 0) close(inotify_fd_);
}

void RulesReloader::add_watch(const std::string& path) {
    std::error_code ec;
    std::string target = std::filesystem::is_directory(path, ec)
                             ? path
                             : std::filesystem::path(path).parent_path().string();
    if (target.empty()) target = ".";
    for (const auto& w : watched_)
        if (w == target) return;
    constexpr uint32_t kEvents =
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE;
    if (inotify_add_watch(inotify_fd_, target.c_str(), kEvents) >= 0) watched_.push_back(target);
}

bool RulesReloader::watch(std::string& error) {
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd_ < 0) {
        error = std::string("inotify: ") + std::strerror(errno);
        return false;
    }
    for (const auto& p : rules_files_) add_watch(p);
    for (const auto& p : source_.config_files) add_watch(p);
    for (const auto& p : source_.config_directories) add_watch(p);
    return true;
}

bool RulesReloader::changes_seen() {
    if (inotify_fd_ < 0) return false;
    alignas(inotify_event) char buf[4096];
    bool any = false;
    for (;;) {
        ssize_t n = read(inotify_fd_, buf, sizeof buf);
        if (n <= 0) break;
        for (char* p = buf; p < buf + n;) {
            auto* ev = reinterpret_cast<inotify_event*>(p);
            std::string_view name(ev->len ? ev->name : "");
            // Rules (*.yaml/*.yml), the config, and ConfigMap's ..data swaps; not editor
            // swap files.
            if (name.empty() || name.ends_with(".yaml") || name.ends_with(".yml") ||
                name == "..data")
                any = true;
            p += sizeof(inotify_event) + ev->len;
        }
    }
    return any;
}

// Keys other than the rules settings are read once at start: say which changed.
void RulesReloader::log_restart_only_changes(
    const std::vector<std::pair<std::string, std::string>>& now) {
    std::vector<std::pair<std::string, std::string>> diff;
    std::set_symmetric_difference(now.begin(), now.end(), source_.restart_only_settings.begin(),
                                  source_.restart_only_settings.end(), std::back_inserter(diff));
    std::string keys;
    for (const auto& [k, v] : diff)
        if (keys.find("'" + k + "'") == std::string::npos)
            keys += (keys.empty() ? "'" : ", '") + k + "'";
    if (!keys.empty())
        spdlog::warn(
            "config changed: {} take effect only after a restart (rules settings were reloaded)",
            keys);
    source_.restart_only_settings = now;
}

rules::LoadResult RulesReloader::compile() {
    std::vector<std::string> files = rules_files_;
    rules::LoadOptions opts;
    RunConfig cfg;
    std::string err;
    bool config_ok = cfg.load(source_.config_path, source_.overrides, err);
    if (config_ok) log_restart_only_changes(cfg.restart_only_settings);
    if (!config_ok) {
        rules::LoadResult bad;
        bad.ok = false;
        rules::FileReport report;
        report.path = source_.config_path;
        report.ok = false;
        rules::Diagnostic d;
        d.code = "CONFIG";
        d.message = err;
        d.file = source_.config_path;
        report.diagnostics.push_back(d);
        bad.files.push_back(report);
        return bad;
    }
    if (!source_.rules_args.empty())
        files = source_.rules_args;
    else if (!cfg.rules_files.empty())
        files = cfg.rules_files;
    rules_files_ = files;
    rules::LoadResult r = rules::load_rules_files(files, cfg.output.load_options());
    if (r.ok) rules::apply_rule_selectors(*r.ruleset, cfg.rule_selection);
    return r;
}

std::optional<rules::LoadResult> RulesReloader::poll(uint64_t now_ns) {
    if (changes_seen()) change_at_ns_ = now_ns;
    if (pending_.valid()) {
        if (pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            return std::nullopt;
        rules::LoadResult r = pending_.get();
        for (const auto& p : rules_files_) add_watch(p);  // new directories in the set
        return r;
    }
    bool due = requested_.exchange(false);
    if (change_at_ns_ && now_ns - change_at_ns_ >= kDebounceNs) {
        change_at_ns_ = 0;
        due = true;
    }
    if (due) pending_ = std::async(std::launch::async, [this] { return compile(); });
    return std::nullopt;
}

}  // namespace sensor::daemon
