#include "audit_runner.h"

#include <spdlog/spdlog.h>

namespace sensor::daemon {

AuditRunner::AuditRunner(std::unique_ptr<audit_ingest::AuditInput> input, uint64_t max_event_size)
    : input_(std::move(input)), decoder_(max_event_size) {}

bool AuditRunner::start(std::string& error) {
    return input_->start(error);
}

void AuditRunner::stop() {
    input_->stop();
}

void AuditRunner::log_new_problems() {
    for (const auto& line : decoder_.take_first_reports()) spdlog::warn("{}", line);
}

std::string AuditRunner::summary() const {
    const auto& d = decoder_.counters();
    const auto& c = input_->counters();
    std::string problems;
    for (size_t i = 0; i < d.problems.size(); ++i)
        if (d.problems[i])
            problems +=
                " " + std::string(k8saudit::problem_name(static_cast<k8saudit::DecodeProblem>(i))) +
                "=" + std::to_string(d.problems[i]);
    return "k8s_audit: " + std::to_string(d.payloads) + " payloads, " + std::to_string(d.events) +
           " events; " + std::to_string(d.problem_total()) + " malformed or dropped" +
           (problems.empty() ? "" : " (" + problems.substr(1) + ")") + "; webhook " +
           std::to_string(c.requests.load()) + " requests, " + std::to_string(c.accepted.load()) +
           " accepted, rejected: method " + std::to_string(c.rejected_method.load()) +
           ", content type " + std::to_string(c.rejected_content_type.load()) + ", too large " +
           std::to_string(c.rejected_too_large.load()) + ", bad request " +
           std::to_string(c.rejected_bad_request.load()) + ", auth " +
           std::to_string(c.rejected_auth.load()) + ", tls " +
           std::to_string(c.rejected_tls.load()) + ", rate limited " +
           std::to_string(c.rate_limited.load()) + ", queue full " +
           std::to_string(c.rejected_queue_full.load()) + ", timeouts " +
           std::to_string(c.timeouts.load()) + "; log lines " + std::to_string(c.lines.load()) +
           ", rotations " + std::to_string(c.rotations.load());
}

}  // namespace sensor::daemon
