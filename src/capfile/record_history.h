#pragma once
// The most recent probe records, kept so that a capture started by a rule's match also holds
// what led up to it. Two fixed buffers of half the size each: records go into the current
// one; when it is full the other (older) one is cleared and becomes current. The history is
// then the older buffer followed by the current one: between half and all of the bytes given,
// with no allocation after construction.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sensor::capfile {

class RecordHistory {
  public:
    explicit RecordHistory(size_t bytes);

    // A record (its header gives its size); one larger than half the space is not kept.
    void push(const void* record, size_t size);
    // Calls fn(record, size) for every kept record, oldest first.
    template <typename Fn>
    void for_each(Fn&& fn) const {
        for (const auto* b : {&buf_[1 - cur_], &buf_[cur_]})
            for (size_t pos = 0; pos < b->size();) {
                uint32_t size = 0;
                std::copy_n(b->data() + pos, sizeof size, reinterpret_cast<unsigned char*>(&size));
                fn(b->data() + pos + sizeof size, size_t{size});
                pos += sizeof size + size;
            }
    }
    void clear();
    bool enabled() const { return half_ > 0; }

  private:
    size_t half_;
    std::vector<unsigned char> buf_[2];
    int cur_ = 0;
};

}  // namespace sensor::capfile
