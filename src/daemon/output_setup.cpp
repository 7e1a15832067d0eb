#include "output_setup.h"

#include "sensor/output/fd_sink.h"
#include "sensor/output/http_output.h"
#include "sensor/output/program_sink.h"
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
    if (cfg.http_output.enabled) {
        output::HttpOptions ho = cfg.http_output.options;
        ho.json = cfg.output.json_output;
        if (auto problem = output::http_options_problem(ho); !problem.empty()) {
            error = problem;
            return false;
        }
        auto sink = output::make_http_sink(ho, error);
        if (!sink) {
            error = "http_output: " + error;
            return false;
        }
        sinks.push_back(std::move(sink));
    }
    if (cfg.program_output.enabled) {
        if (cfg.program_output.program.empty()) {
            error = "program_output.program is empty";
            return false;
        }
        sinks.push_back(std::make_unique<output::ProgramSink>(
            cfg.program_output.program, cfg.program_output.keep_alive, cfg.buffered_outputs));
    }
    return true;
}

}  // namespace sensor::daemon
