// `sensor replay --audit FILE...`: k8s_audit rules over existing audit logs (the API server's
// log backend writes one Event per line; EventLists and arrays are accepted too), through the
// same decoder and rules as the live webhook, so a hunt gives the alerts live capture would.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "audit_replay.h"
#include "sensor/k8saudit/audit_decoder.h"
#include "sensor/output/alert_format.h"

namespace sensor::daemon {
namespace {

namespace fs = std::filesystem;

// A directory's regular files in mtime order (as the plugin reads one), else the path itself.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths, std::string& error) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        std::error_code ec;
        if (p == "-" || !fs::is_directory(p, ec)) {
            out.push_back(p);
            continue;
        }
        std::vector<std::pair<fs::file_time_type, std::string>> files;
        for (const auto& e : fs::directory_iterator(p, ec))
            if (e.is_regular_file()) files.emplace_back(e.last_write_time(), e.path().string());
        if (ec) {
            error = "cannot read directory " + p + ": " + ec.message();
            return {};
        }
        std::sort(files.begin(), files.end());
        for (auto& f : files) out.push_back(std::move(f.second));
    }
    return out;
}

bool read_all(const std::string& path, std::string& text, std::string& error) {
    if (path == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
        return true;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open audit log " + path;
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return true;
}

bool blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The payloads of a log: one JSON value per line, or (a pretty-printed EventList, as kubectl
// or a collector may save one) the whole file as one value when its first line is not a
// complete value on its own.
template <typename Each>
void for_each_payload(std::string_view text, Each&& each) {
    size_t first_end = text.find('\n');
    std::string_view first = text.substr(0, first_end);
    if (first_end != std::string_view::npos && !blank(text.substr(first_end)) && !first.empty() &&
        (first.back() == '{' || first.back() == '[' || blank(first))) {
        each(text);
        return;
    }
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!blank(line)) each(line);
    }
}

}  // namespace

bool for_each_audit_event(const std::vector<std::string>& paths, k8saudit::AuditDecoder& decoder,
                          std::string& error,
                          const std::function<void(const fields::Event&)>& each) {
    std::vector<std::string> files = expand_paths(paths, error);
    if (!error.empty()) return false;
    std::string text;
    for (const auto& path : files) {
        if (!read_all(path, text, error)) return false;
        for_each_payload(text, [&](std::string_view payload) {
            decoder.decode(payload, each);
            for (const auto& line : decoder.take_first_reports())
                std::cerr << "sensor: " << line << "\n";
        });
    }
    return true;
}

int replay_audit(const std::vector<std::string>& paths, const engine::Ruleset& rules,
                 const output::AlertFormat& fmt) {
    std::string error;
    k8saudit::AuditDecoder decoder;
    auto ctx = rules.new_context();
    uint64_t alerts = 0;
    const bool ok = for_each_audit_event(paths, decoder, error, [&](const fields::Event& ev) {
        rules.evaluate(ev, ctx, [&](const engine::CompiledRule& r) {
            ++alerts;
            std::cout << output::format_alert(r, ev, fmt) << "\n";
        });
    });
    if (!ok) {
        std::cerr << "sensor: " << error << "\n";
        return 2;
    }
    std::cout.flush();
    const auto& c = decoder.counters();
    std::cerr << "sensor: replayed " << c.events << " audit events from " << c.payloads
              << " payload(s): " << alerts << " alerts, " << c.problem_total()
              << " malformed or dropped\n";
    return 0;
}

}  // namespace sensor::daemon
