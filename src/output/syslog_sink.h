#pragma once
// Alerts to syslog: the local daemon's socket (/dev/log, a datagram per alert) or a remote
// server over UDP or TCP (newline-framed, reconnected after a failure). Formats: RFC 3164,
// RFC 5424, or "json" framing (`<PRI>TIMESTAMP HOST sensor[PID]: {alert}`, the shape the
// Elastic Falco integration's syslog input parses). The alert's priority is the severity.
#include <cstdint>
#include <string>

#include "sensor/output/sink.h"

namespace sensor::output {

struct SyslogOptions {
    std::string transport = "unix";  // unix, udp, tcp
    std::string path = "/dev/log";   // unix
    std::string host = "127.0.0.1";  // udp, tcp (numeric IPv4 or IPv6)
    uint16_t port = 514;
    std::string format = "rfc3164";  // rfc3164, rfc5424, json
    int facility = 1;                // user
    std::string hostname;
    std::string app = "sensor";
};

class SyslogSink : public Sink {
  public:
    explicit SyslogSink(SyslogOptions opts);
    ~SyslogSink() override;
    const char* name() const override { return "syslog"; }
    WriteOutcome write(const Alert& alert) override;
    bool reopen() override;

    // The bytes one alert becomes on the wire (without the TCP newline), for tests.
    std::string frame(const Alert& alert) const;

  private:
    bool connect_socket();
    void close_socket();

    SyslogOptions opts_;
    int fd_ = -1;
    int pid_;
};

// Checks options; "" when valid, else what is wrong (for config errors).
std::string syslog_options_problem(const SyslogOptions& opts);

}  // namespace sensor::output
