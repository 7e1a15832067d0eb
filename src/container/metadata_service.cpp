#include "sensor/container/metadata_service.h"

#include <unistd.h>

namespace sensor::container {

ContainerMetadataService::ContainerMetadataService(MetadataOptions opts, MetadataLog log)
    : opts_(std::move(opts)), log_(std::move(log)) {}

ContainerMetadataService::~ContainerMetadataService() {
    stop();
}

void ContainerMetadataService::start() {
    thread_ = std::thread([this] { run(); });
}

void ContainerMetadataService::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ContainerMetadataService::request(const std::string& full_id) {
    {
        std::lock_guard lock(mu_);
        requests_.push_back(full_id);
    }
    cv_.notify_one();
}

void ContainerMetadataService::forget(const std::string& full_id) {
    std::lock_guard lock(mu_);
    forgotten_.insert(full_id);
}

void ContainerMetadataService::take_answers(std::vector<MetadataAnswer>& out) {
    out.clear();
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || answers_.empty()) return;
    out.swap(answers_);
}

bool ContainerMetadataService::ensure_client() {
    if (client_) return true;
    // A runtime that is down costs one connection attempt per retry interval, not one (with
    // its timeout) per new container.
    auto now = std::chrono::steady_clock::now();
    if (now < next_connect_) return false;
    next_connect_ = now + opts_.retry;
    std::string tried;
    for (const std::string& path : opts_.sockets) {
        if (!tried.empty()) tried += ", ";
        tried += path;
        if (access(path.c_str(), F_OK) != 0) {
            tried += " (absent)";
            continue;
        }
        std::string error;
        // The CRI module (sensor-cri.so) is loaded here, once a runtime socket exists.
        auto c = make_cri_client(path, opts_.timeout, error);
        if (!c) {
            tried += " (" + error + ")";
            break;
        }
        if (c->connect(error)) {
            client_ = std::move(c);
            warned_ = false;
            log_(false, "container metadata from " + client_->runtime_name() + " " +
                            client_->runtime_version() + " (CRI at " + path + ")");
            return true;
        }
        tried += " (" + error + ")";
    }
    if (!warned_) {
        warned_ = true;
        log_(true, "no CRI runtime answers (tried " + tried +
                       "); containers get their ids only until one does, retried every " +
                       std::to_string(opts_.retry.count() / 1000) + " s");
    }
    return false;
}

void ContainerMetadataService::lookup(const std::string& full_id, bool retrying, int attempt) {
    MetadataAnswer a;
    a.metadata.full_id = full_id;
    std::string error;
    if (ensure_client()) {
        ++lookups_;
        a.result = client_->container(full_id, a.metadata, error);
        if (a.result == LookupResult::unavailable) {
            log_(true, "CRI runtime at " + client_->socket_path() + " stopped answering (" + error +
                           "); reconnecting");
            client_.reset();
        }
    }
    if (a.result == LookupResult::not_found && attempt + 1 < kNotFoundAttempts) {
        // A pod's sandbox runs before the runtime lists it: ask again shortly before
        // settling for "not a CRI container".
        recheck_.push_back(
            {full_id, attempt + 1, std::chrono::steady_clock::now() + kNotFoundRecheck});
        return;
    }
    if (a.result == LookupResult::unavailable) {
        ++failures_;
        if (retrying_.size() < opts_.max_retrying) retrying_.insert(full_id);
        if (retrying) return;  // the event loop already had its "unavailable"
    } else {
        retrying_.erase(full_id);
    }
    std::lock_guard lock(mu_);
    answers_.push_back(std::move(a));
}

void ContainerMetadataService::run() {
    for (;;) {
        std::string id;
        {
            std::unique_lock lock(mu_);
            auto wake = next_retry_;
            for (const auto& r : recheck_) wake = std::min(wake, r.due);
            cv_.wait_until(lock, wake, [&] { return stopping_ || !requests_.empty(); });
            if (stopping_) return;
            for (const auto& f : forgotten_) {
                retrying_.erase(f);
                std::erase_if(recheck_, [&](const Recheck& r) { return r.id == f; });
            }
            forgotten_.clear();
            if (!requests_.empty()) {
                id = std::move(requests_.front());
                requests_.pop_front();
            }
        }
        if (!id.empty()) {
            lookup(id, false, 0);
            continue;
        }
        auto now = std::chrono::steady_clock::now();
        if (!recheck_.empty()) {
            std::vector<Recheck> due;
            std::erase_if(recheck_, [&](const Recheck& r) {
                if (r.due > now) return false;
                due.push_back(r);
                return true;
            });
            for (const auto& r : due) lookup(r.id, false, r.attempt);
        }
        if (now < next_retry_) continue;
        // The retry time: try the containers that found no runtime again.
        next_retry_ = now + opts_.retry;
        std::vector<std::string> again(retrying_.begin(), retrying_.end());
        for (const auto& r : again) {
            lookup(r, true, kNotFoundAttempts);
            if (!client_) break;  // still no runtime: wait for the next round
        }
    }
}

}  // namespace sensor::container
