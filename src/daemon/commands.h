#pragma once
// The sensor's command implementations; main.cpp only parses the command line.
#include <string>
#include <vector>

#include "sensor/output/alert_format.h"
#include "sensor/rules/loader.h"

namespace sensor::daemon {

enum class ReportFormat { Text, Json };

// `sensor -r FILE...` / `-V FILE...`: validate, print the report, return the exit code.
int validate_rules(const std::vector<std::string>& files, ReportFormat fmt);
// `sensor -L -r FILE...`: list loaded rules.
int list_rules(const std::vector<std::string>& files, ReportFormat fmt);
// `sensor --list[=SOURCE]`: the fields of every event source, or of one ("" for all).
int list_fields(ReportFormat fmt, const std::string& source = "");

// `sensor --list-events`: every event type with its direction and parameters (Falco's
// --list-events), from the syscall table.
int list_events(ReportFormat fmt);
// Falco's `--list [SOURCE] --format text|markdown|json [-N]`: fields grouped by Falco's field
// classes with Falco's type names (markdown: as Falco's supported-fields page; json: Falco's
// {"fieldclasses": [...]}); -N prints only the names (json: {"fieldnames": [...]}).
enum class FieldListFormat { Text, Markdown, Json };
int list_field_classes(FieldListFormat fmt, const std::string& source, bool names_only);

// One line per optional module: where it loads from, or why it does not (for --version).
std::string optional_modules_report();
// One line per Falco plugin the sensor has built in, with the version it matches.
std::string builtin_plugins_report();

struct ReplayOptions {
    std::string events_path;               // "-" for stdin
    std::string capture_path;              // a capture file (docs/capture.md)
    std::vector<std::string> audit_paths;  // audit logs: files, directories, "-" for stdin
    std::vector<std::string> alert_paths;  // recorded alerts (JSON lines), for sequences
    std::vector<std::string> rules_files;
    std::vector<std::string> overrides;  // key=value
};
// `sensor replay --events FILE -r RULES...` or `--audit FILE...`: alerts as JSON lines on
// stdout.
int replay(const ReplayOptions& opts);
// `sensor replay --capture FILE -r RULES`: the file's records through the live decode path.
int replay_capture(const ReplayOptions& opts, const engine::Ruleset& rules,
                   const output::AlertFormat& fmt);

struct RunOptions {
    std::string config_path;  // "" = the default config
    std::vector<std::string> rules_files;
    std::vector<std::string> overrides;                        // key=value
    std::vector<std::string> enable_sources, disable_sources;  // Falco's --enable/--disable-source
    uint64_t duration_s = 0;   // Falco's -M: stop after this many seconds (0: until signalled)
    bool dry_run = false;      // Falco's --dry-run: check config, rules and outputs, then exit
    bool unbuffered = false;   // Falco's -U: buffered_outputs false, whatever the config says
    std::string capture_path;  // --capture FILE: every record into FILE
    uint64_t capture_duration_ms = 0;  // --capture-duration: then stop writing (0: at exit)
};
// `sensor run`: live capture until SIGINT/SIGTERM.
int run(const RunOptions& opts);

struct SupportOptions {
    std::string config_path;  // "" = the default config
    std::vector<std::string> rules_files;
    std::vector<std::string> overrides;  // key=value
    std::string cmdline;                 // the command line, for the report
};
// `sensor --support`: Falco's support JSON (version, uname, command line, config, rules files
// with their contents) on stdout.
int print_support(const SupportOptions& opts);

// Prints a load result's per-file report (shared by validate and failed loads).
void print_load_report(const rules::LoadResult& res, ReportFormat fmt, bool summary);

}  // namespace sensor::daemon
