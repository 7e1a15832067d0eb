#pragma once
// Prefix structures for list operators: path-component prefixes (`pmatch`) and plain string
// prefixes (`startswith` with a list modifier).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sensor::engine {

// Hash for string sets that look up by string_view without building a std::string.
struct StringViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringViewHash, std::equal_to<>>;

// `fd.name pmatch (/etc, /usr/lib, /home/*/.ssh)`, as libs' path_prefix_search: paths and
// patterns are split into '/'-separated components (empty ones skipped), and a path matches
// when some pattern's components match its leading components: a plain component by equality
// (hashed), a component with `*`, `?` or `[` as an fnmatch(3) pattern. `/etc` matches `/etc`
// and `/etc/x`, not `/etcfoo`; `/` (or an empty pattern) matches every path. Matching walks a
// component tree and does not allocate once its glob buffer has grown to the longest component.
class PathPrefixSet {
  public:
    PathPrefixSet();
    void add(std::string_view pattern);
    bool matches(std::string_view path) const;
    bool empty() const { return nodes_.size() == 1 && !nodes_[0].terminal; }

  private:
    struct Node {
        bool terminal = false;  // a pattern ends here: everything below matches
        std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> children;
        std::vector<std::pair<std::string, uint32_t>> globs;  // pattern component -> node
    };
    bool match_from(uint32_t node, std::string_view rest) const;
    std::vector<Node> nodes_;
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
