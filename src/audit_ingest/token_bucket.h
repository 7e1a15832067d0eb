#pragma once
// A token bucket: `rate` requests a second on average, bursts of up to `burst`. Not locked;
// the webhook locks the shared one.
#include <algorithm>
#include <chrono>

namespace sensor::audit_ingest {

class TokenBucket {
  public:
    using Clock = std::chrono::steady_clock;

    // rate <= 0: unlimited. The burst is at least one request.
    explicit TokenBucket(double rate, double burst = 0)
        : rate_(rate), burst_(std::max(1.0, burst > 0 ? burst : rate)), tokens_(burst_) {}

    bool take(Clock::time_point now = Clock::now()) {
        if (rate_ <= 0) return true;
        if (started_) {
            double elapsed = std::chrono::duration<double>(now - last_).count();
            tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
        }
        started_ = true;
        last_ = now;
        if (tokens_ < 1) return false;
        tokens_ -= 1;
        return true;
    }

  private:
    double rate_;
    double burst_;
    double tokens_;
    bool started_ = false;
    Clock::time_point last_{};
};

}  // namespace sensor::audit_ingest
