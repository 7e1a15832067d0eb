// Command line: `sensor -r FILE...` validates rules; subcommands `replay` and `run`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"
#include "sensor/k8saudit/audit_source.h"

using namespace sensor::daemon;

int main(int argc, char** argv) {
    // Built-in sources beyond syscall register before any rules load.
    sensor::k8saudit::k8s_audit_source();
    CLI::App app{"sensor: a Falco-compatible runtime security sensor"};
    // A callback: the modules are loaded (to report them) only when --version is asked for.
    app.set_version_flag("--version", [] {
        return std::string("sensor ") + SENSOR_VERSION + " (Falco rules engine " +
               sensor::rules::engine_version() + ")\n" + builtin_plugins_report() +
               optional_modules_report();
    });
    std::vector<std::string> rules_files, validate_files;
    bool list_loaded = false;
    std::string list_source, output = "text";
    app.add_option("-r,--rules", rules_files, "Rules file or directory (repeatable)");
    app.add_option("-V,--validate", validate_files, "Validate rules file(s) and exit (Falco's -V)");
    app.add_flag("-L", list_loaded, "List the rules loaded from -r files");
    auto* list_opt =
        app.add_option("--list", list_source,
                       "List the fields conditions and outputs may use, per event source; "
                       "--list=SOURCE lists one source's")
            ->expected(0, 1);
    bool list_events_flag = false, support = false;
    SupportOptions support_opts;
    app.add_flag("--list-events", list_events_flag,
                 "List every event type with its direction and parameters (Falco's)");
    app.add_flag("--support", support,
                 "Print Falco's support JSON: version, system, command line, config and rules "
                 "files with their contents");
    app.add_option("-c", support_opts.config_path, "Configuration file for --support");
    app.add_option("-o", support_opts.overrides, "key=value configuration override for --support");
    app.add_option("--output", output, "Report format for -r/-V/-L/--list/--list-events")
        ->check(CLI::IsMember({"text", "json"}));
    std::string list_format;
    bool list_markdown = false, names_only = false;
    app.add_option("--format", list_format,
                   "--list in Falco's form: text, markdown or json (fields grouped by class)")
        ->check(CLI::IsMember({"text", "markdown", "json"}));
    app.add_flag("--markdown", list_markdown, "Deprecated in Falco: --format markdown");
    app.add_flag("-N", names_only, "With --list: print only the field names");

    ReplayOptions replay_opts;
    auto* replay_cmd = app.add_subcommand(
        "replay",
        "Run rules over recorded input (syscall fixture events or Kubernetes audit logs) and "
        "print alerts as JSON lines");
    auto* events_opt = replay_cmd->add_option("--events", replay_opts.events_path,
                                              "Syscall fixture events file ('-' for stdin)");
    (void)events_opt;
    replay_cmd->add_option("--audit", replay_opts.audit_paths,
                           "Kubernetes audit log file or directory (JSON lines or EventLists; "
                           "repeatable; '-' for stdin)");
    replay_cmd->add_option("--alerts", replay_opts.alert_paths,
                           "Alerts the sensor or Falco wrote (JSON lines; repeatable), for "
                           "sequences; inputs are merged by event time");
    auto* capture_opt = replay_cmd->add_option(
        "--capture", replay_opts.capture_path,
        "A capture file (sensor run --capture, or capture.enabled; docs/capture.md)");
    replay_cmd->callback([&] {
        if (replay_opts.events_path.empty() && replay_opts.audit_paths.empty() &&
            replay_opts.alert_paths.empty() && replay_opts.capture_path.empty())
            throw CLI::RequiredError("--events, --audit, --alerts or --capture");
    });
    capture_opt->excludes(events_opt);
    replay_cmd->add_option("-r,--rules", replay_opts.rules_files, "Rules file or directory")
        ->required();
    replay_cmd->add_option("-o,--option", replay_opts.overrides,
                           "Override an output setting: key=value");

    RunOptions run_opts;
    auto* run_cmd = app.add_subcommand("run", "Run the sensor (live capture)");
    run_cmd->add_option("-c,--config", run_opts.config_path, "Configuration file");
    run_cmd->add_option("-r,--rules", run_opts.rules_files, "Rules file or directory");
    run_cmd->add_option("-o,--option", run_opts.overrides,
                        "Override a configuration key: key=value");
    run_cmd->add_option("--enable-source", run_opts.enable_sources,
                        "Run only these event sources (syscall, k8s_audit; repeatable)");
    run_cmd->add_option("-M", run_opts.duration_s,
                        "Stop after this many seconds, as on SIGINT (Falco's -M)");
    auto* run_capture = run_cmd->add_option(
        "--capture", run_opts.capture_path,
        "Write every record the probe delivers, with the state to replay them, to this capture "
        "file (docs/capture.md; `sensor replay --capture FILE`)");
    run_cmd
        ->add_option("--capture-duration", run_opts.capture_duration_ms,
                     "Stop writing the --capture file after this many milliseconds")
        ->needs(run_capture);
    run_cmd->add_flag("--dry-run", run_opts.dry_run,
                      "Load the config, rules and outputs, report errors, and exit without "
                      "capturing (Falco's --dry-run)");
    run_cmd->add_flag("-U,--unbuffered", run_opts.unbuffered,
                      "Write each alert at once (buffered_outputs false; Falco's -U)");
    run_cmd->add_option("--disable-source", run_opts.disable_sources,
                        "Do not run this event source (e.g. syscall, for a control-plane sensor)");

    CLI11_PARSE(app, argc, argv);
    ReportFormat fmt = output == "json" ? ReportFormat::Json : ReportFormat::Text;

    if (*replay_cmd) return replay(replay_opts);
    if (*run_cmd) return run(run_opts);
    if (list_opt->count() > 0) {
        if (list_markdown && !list_format.empty()) {
            std::cerr << "sensor: Cannot specify both --markdown and --format options together\n";
            return 2;
        }
        if (list_markdown) list_format = "markdown";
        if (list_format.empty() && !names_only) return list_fields(fmt, list_source);
        FieldListFormat lf = list_format == "markdown" ? FieldListFormat::Markdown
                             : list_format == "json"   ? FieldListFormat::Json
                                                       : FieldListFormat::Text;
        return list_field_classes(lf, list_source, names_only);
    }
    if (list_events_flag) return list_events(fmt);
    if (support) {
        support_opts.rules_files = rules_files;
        for (int i = 0; i < argc; ++i)
            support_opts.cmdline += (i ? " " : "") + std::string(argv[i]);
        return print_support(support_opts);
    }
    if (!validate_files.empty()) {
        rules_files.insert(rules_files.end(), validate_files.begin(), validate_files.end());
        return validate_rules(rules_files, fmt);
    }
    if (list_loaded) {
        if (rules_files.empty()) {
            std::cerr << "sensor: -L needs rules files (-r FILE)\n";
            return 2;
        }
        return list_rules(rules_files, fmt);
    }
    if (!rules_files.empty()) return validate_rules(rules_files, fmt);
    std::cout << app.help();
    return 2;
}
