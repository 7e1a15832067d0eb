#include "output_setup.h"

#include "sensor/output/fd_sink.h"
#include "sensor/output/syslog_sink.h"

namespace sensor::daemon {

bool make_sinks(const RunConfig& cfg, std::vector<std::unique_ptr<output::Sink>>& sinks,
                std::string& error) {
    if (cfg.stdout_output)
        sinks.push_back(std::make_unique<output::FdSink>("stdout", 1, cfg.buffered_outputs));
    if (cfg.file_output) {
        auto file = std::make_unique<output::FileSink>(
            cfg.file_output_filename, cfg.file_output_keep_alive, cfg.buffered_outputs);
        if (!file->open()) {
            error = "file_output: " + file->last_error;
            return false;
        }
        if (!cfg.file_output_keep_alive) file->flush();  // closes it until the first alert
        sinks.push_back(std::move(file));
    }
    if (cfg.syslog_output) {
        output::SyslogOptions so;
        so.transport = cfg.syslog_host.empty() ? "unix" : cfg.syslog_protocol;
        so.path = cfg.syslog_path;
        so.host = cfg.syslog_host;
        so.port = cfg.syslog_port;
        so.format = cfg.syslog_format;
        so.hostname = cfg.output.alert_format().hostname;
        if (auto problem = output::syslog_options_problem(so); !problem.empty()) {
            error = problem;
            return false;
        }
        sinks.push_back(std::make_unique<output::SyslogSink>(so));
    }
    return true;
}

}  // namespace sensor::daemon
