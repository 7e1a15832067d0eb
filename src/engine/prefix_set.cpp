#include "sensor/engine/prefix_set.h"

#include <fnmatch.h>

#include <algorithm>

namespace sensor::engine {

namespace {

// The next non-empty component of `rest` (advanced past it); empty when none is left.
std::string_view next_component(std::string_view& rest) {
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    size_t end = rest.find('/');
    std::string_view comp = rest.substr(0, end);
    rest.remove_prefix(comp.size());
    return comp;
}

bool has_glob(std::string_view comp) {
    return comp.find_first_of("?*[") != std::string_view::npos;
}

bool glob_component(const std::string& pattern, std::string_view comp) {
    // fnmatch needs a NUL-terminated subject; the buffer is per thread and keeps its capacity.
    thread_local std::string buf;
    buf.assign(comp);
    return fnmatch(pattern.c_str(), buf.c_str(), 0) == 0;
}

}  // namespace

PathPrefixSet::PathPrefixSet() : nodes_(1) {}

void PathPrefixSet::add(std::string_view pattern) {
    uint32_t cur = 0;
    for (std::string_view comp = next_component(pattern); !comp.empty();
         comp = next_component(pattern)) {
        if (nodes_[cur].terminal) return;  // a shorter pattern already covers this one
        uint32_t next = 0;
        if (has_glob(comp)) {
            auto& globs = nodes_[cur].globs;
            auto it = std::find_if(globs.begin(), globs.end(),
                                   [&](const auto& g) { return g.first == comp; });
            if (it != globs.end()) {
                next = it->second;
            } else {
                next = static_cast<uint32_t>(nodes_.size());
                nodes_[cur].globs.emplace_back(std::string(comp), next);
                nodes_.emplace_back();
            }
        } else {
            auto it = nodes_[cur].children.find(comp);
            if (it != nodes_[cur].children.end()) {
                next = it->second;
            } else {
                next = static_cast<uint32_t>(nodes_.size());
                nodes_[cur].children.emplace(std::string(comp), next);
                nodes_.emplace_back();
            }
        }
        cur = next;
    }
    nodes_[cur].terminal = true;
}

bool PathPrefixSet::match_from(uint32_t node, std::string_view rest) const {
    const Node& n = nodes_[node];
    if (n.terminal) return true;
    std::string_view comp = next_component(rest);
    if (comp.empty()) return false;
    auto it = n.children.find(comp);
    if (it != n.children.end() && match_from(it->second, rest)) return true;
    for (const auto& [pattern, child] : n.globs)
        if (glob_component(pattern, comp) && match_from(child, rest)) return true;
    return false;
}

bool PathPrefixSet::matches(std::string_view path) const {
    return match_from(0, path);
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
