#include "sensor/engine/prefix_set.h"

#include <algorithm>

namespace sensor::engine {

void PathPrefixSet::add(std::string_view prefix) {
    while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
    if (prefix == "/") {
        root_ = true;
        return;
    }
    prefixes_.emplace(prefix);
}

bool PathPrefixSet::matches(std::string_view path) const {
    if (root_ && !path.empty() && path[0] == '/') return true;
    if (prefixes_.empty()) return false;
    for (size_t i = 1; i <= path.size(); ++i) {
        if ((i == path.size() || path[i] == '/') &&
            prefixes_.find(path.substr(0, i)) != prefixes_.end())
            return true;
    }
    return false;
}

void PrefixTrie::add(std::string_view s) {
    uint32_t cur = 0;
    for (unsigned char c : s) {
        auto& next = nodes_[cur].next;
        auto it = std::lower_bound(next.begin(), next.end(), c,
                                   [](const auto& p, unsigned char b) { return p.first < b; });
        if (it != next.end() && it->first == c) {
            cur = it->second;
            continue;
        }
        auto id = static_cast<uint32_t>(nodes_.size());
        next.insert(it, {c, id});
        nodes_.push_back(Node{});
        cur = id;
    }
    ++nodes_[cur].terminal;
}

uint32_t PrefixTrie::count_prefixes_of(std::string_view v, bool stop_at_first) const {
    uint32_t cur = 0, count = nodes_[0].terminal;
    if (count && stop_at_first) return count;
    for (unsigned char c : v) {
        const auto& next = nodes_[cur].next;
        auto it = std::lower_bound(next.begin(), next.end(), c,
                                   [](const auto& p, unsigned char b) { return p.first < b; });
        if (it == next.end() || it->first != c) break;
        cur = it->second;
        count += nodes_[cur].terminal;
        if (count && stop_at_first) break;
    }
    return count;
}

}  // namespace sensor::engine
