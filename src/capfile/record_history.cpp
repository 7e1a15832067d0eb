#include "record_history.h"

#include <cstring>

namespace sensor::capfile {

RecordHistory::RecordHistory(size_t bytes) : half_(bytes / 2) {
    for (auto& b : buf_) b.reserve(half_);
}

void RecordHistory::push(const void* record, size_t size) {
    size_t need = sizeof(uint32_t) + size;
    if (need > half_) return;
    if (buf_[cur_].size() + need > half_) {
        cur_ = 1 - cur_;
        buf_[cur_].clear();
    }
    auto n = static_cast<uint32_t>(size);
    auto& b = buf_[cur_];
    const auto* s = reinterpret_cast<const unsigned char*>(&n);
    b.insert(b.end(), s, s + sizeof n);
    const auto* p = static_cast<const unsigned char*>(record);
    b.insert(b.end(), p, p + size);
}

void RecordHistory::clear() {
    for (auto& b : buf_) b.clear();
}

}  // namespace sensor::capfile
