#pragma once
// The HTTP(S) sink behind make_http_sink (sensor/output/http_output.h), built into the
// sensor-http.so module: one kept-alive libcurl handle, used from the sink's output thread.
#include "sensor/output/http_output.h"

namespace sensor::output {

class HttpSink : public Sink {
  public:
    explicit HttpSink(HttpOptions opts);
    ~HttpSink() override;
    HttpSink(const HttpSink&) = delete;
    HttpSink& operator=(const HttpSink&) = delete;
    const char* name() const override { return "http"; }
    WriteOutcome write(const Alert& alert) override;

  private:
    HttpOptions opts_;
    void* curl_ = nullptr;     // CURL*, kept so its connection is reused
    void* headers_ = nullptr;  // curl_slist*
};

}  // namespace sensor::output
