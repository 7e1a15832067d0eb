#pragma once
// Container metadata looked up in the background. The event loop asks for a container by id
// (never waiting) and later takes the answers; a thread talks to the CRI runtime. The runtime
// socket is found among the usual paths (containerd, k3s, CRI-O) or configured. When no
// runtime answers, every request is answered "unavailable" at once (so a container still
// gets its id-only `container` event), one warning is logged, and the lookups are retried
// until the runtime is back or the container is forgotten.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sensor/container/cri_client.h"

namespace sensor::container {

struct MetadataOptions {
    bool enabled = true;
    // Tried in order; the first that answers is used.
    std::vector<std::string> sockets = {"/run/containerd/containerd.sock",
                                        "/run/k3s/containerd/containerd.sock",
                                        "/run/crio/crio.sock", "/var/run/crio/crio.sock"};
    std::chrono::milliseconds timeout{1000};  // per CRI call
    std::chrono::milliseconds retry{5000};    // unanswered lookups and reconnects
    size_t max_retrying = 4096;               // containers waiting for a runtime
};

struct MetadataAnswer {
    LookupResult result = LookupResult::unavailable;
    ContainerMetadata metadata;  // full_id always set
};

// info: an informational line; warning: a problem worth an operator's attention.
using MetadataLog = std::function<void(bool warning, const std::string& message)>;

// What the event loop needs from a metadata service (ContainerMetadataService; a scripted
// one in unit tests).
class MetadataSource {
  public:
    virtual ~MetadataSource() = default;
    virtual void request(const std::string& full_id) = 0;
    virtual void forget(const std::string& full_id) = 0;
    virtual void take_answers(std::vector<MetadataAnswer>& out) = 0;
};

class ContainerMetadataService : public MetadataSource {
  public:
    ContainerMetadataService(MetadataOptions opts, MetadataLog log);
    ~ContainerMetadataService() override;
    ContainerMetadataService(const ContainerMetadataService&) = delete;
    ContainerMetadataService& operator=(const ContainerMetadataService&) = delete;

    void start();
    void stop();

    // Event loop: never blocks for longer than a queue push.
    void request(const std::string& full_id) override;
    // Event loop: the container went away; stop retrying it.
    void forget(const std::string& full_id) override;
    // Event loop: moves the answers so far into out (cleared first). Does not wait for the
    // lock: when the thread holds it, the answers come next time.
    void take_answers(std::vector<MetadataAnswer>& out) override;

    uint64_t lookups() const { return lookups_; }
    uint64_t failures() const { return failures_; }

  private:
    void run();
    bool ensure_client();
    // attempt: how many times the runtime already said "not found".
    void lookup(const std::string& full_id, bool retrying, int attempt);

    static constexpr int kNotFoundAttempts = 4;
    static constexpr std::chrono::milliseconds kNotFoundRecheck{500};
    struct Recheck {
        std::string id;
        int attempt;
        std::chrono::steady_clock::time_point due;
    };

    MetadataOptions opts_;
    MetadataLog log_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::deque<std::string> requests_;
    std::set<std::string> forgotten_;
    std::vector<MetadataAnswer> answers_;
    // Thread only:
    std::unique_ptr<CriClient> client_;
    std::set<std::string> retrying_;
    std::vector<Recheck> recheck_;
    std::chrono::steady_clock::time_point next_retry_{};
    std::chrono::steady_clock::time_point next_connect_{};
    bool warned_ = false;
    std::atomic<uint64_t> lookups_{0}, failures_{0};
};

}  // namespace sensor::container
