#pragma once
// Prefix structures for list operators: path-component prefixes (`pmatch`) and plain string
// prefixes (`startswith` with a list modifier).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace sensor::engine {

// Hash for string sets that look up by string_view without building a std::string.
struct StringViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringViewHash, std::equal_to<>>;

// `fd.name pmatch (/etc, /usr/lib)`: matches a path equal to, or below, one of the prefixes,
// component-wise (`/etc` matches `/etc/x`, not `/etcfoo`). Lookups hash each component prefix.
class PathPrefixSet {
  public:
    void add(std::string_view prefix);
    bool matches(std::string_view path) const;
    bool empty() const { return prefixes_.empty() && !root_; }

  private:
    StringSet prefixes_;
    bool root_ = false;
};

// A byte trie; `count_prefixes_of(v)` is the number of stored strings that are prefixes of v.
class PrefixTrie {
  public:
    void add(std::string_view s);
    uint32_t count_prefixes_of(std::string_view v, bool stop_at_first) const;
    bool empty() const { return nodes_.size() <= 1; }

  private:
    struct Node {
        uint32_t terminal = 0;                                 // strings ending here
        std::vector<std::pair<unsigned char, uint32_t>> next;  // sorted by byte
    };
    std::vector<Node> nodes_{Node{}};
};

}  // namespace sensor::engine
