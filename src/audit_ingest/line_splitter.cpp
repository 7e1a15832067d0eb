#include "sensor/audit_ingest/line_splitter.h"

namespace sensor::audit_ingest {

bool LineSplitter::emit(const OnLine& on_line) {
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    bool go_on = true;
    if (partial_.size() > max_line_)
        ++too_long_;
    else if (!partial_.empty())
        go_on = on_line(partial_);
    partial_.clear();
    return go_on;
}

size_t LineSplitter::feed(std::string_view data, const OnLine& on_line) {
    size_t pos = 0;
    while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        size_t end = nl == std::string_view::npos ? data.size() : nl;
        if (!skipping_) {
            partial_.append(data.substr(pos, end - pos));
            // Stop buffering an oversized line at once (+1: the "\r" of a "\r\n" ending).
            if (partial_.size() > max_line_ + 1) {
                partial_.clear();
                skipping_ = true;
                ++too_long_;
            }
        }
        if (nl == std::string_view::npos) return data.size();
        pos = nl + 1;
        if (skipping_) {
            skipping_ = false;
            continue;
        }
        if (!emit(on_line)) return pos;
    }
    return pos;
}

bool LineSplitter::flush(const OnLine& on_line) {
    if (skipping_) {
        skipping_ = false;
        return true;
    }
    return emit(on_line);
}

void LineSplitter::reset() {
    partial_.clear();
    skipping_ = false;
}

}  // namespace sensor::audit_ingest
