#pragma once
// falco.yaml loaded as Falco loads it, into one tree: the main file, then the files of its
// `config_files` (and of `-o config_files=...`), merged key by top-level key with the
// append / override / add-only strategies, then every `-o KEY=VALUE` (dotted keys, `\.`
// escaping a dot inside a key name, `[N]` list indices, `{...}` and `[...]` values as YAML).
// Each node keeps where it came from, so a bad value names its file:line:col.
#include <yaml-cpp/mark.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sensor/rules/yaml_tree.h"

namespace sensor::daemon {

struct ConfigNode;
using ConfigNodePtr = std::shared_ptr<ConfigNode>;

struct ConfigNode {
    enum class Kind { Null, Scalar, Sequence, Map };
    Kind kind = Kind::Null;
    std::string scalar;
    std::vector<ConfigNodePtr> items;                          // Sequence
    std::vector<std::pair<std::string, ConfigNodePtr>> pairs;  // Map, in file order
    std::shared_ptr<const std::string> file;                   // null: from the command line
    YAML::Mark mark;

    bool is_map() const { return kind == Kind::Map; }
    bool is_sequence() const { return kind == Kind::Sequence; }
    bool is_scalar() const { return kind == Kind::Scalar; }
    bool is_null() const { return kind == Kind::Null; }
    // The value under key in a map, or null.
    ConfigNodePtr get(std::string_view key) const;
    void set(const std::string& key, ConfigNodePtr value);
    // "FILE:LINE:COL", or "-o" for a value from the command line.
    std::string where() const;
    // The same value as a rules::YNode (for readers written against it, e.g. plugins).
    rules::YNodePtr to_ynode() const;
};

enum class MergeStrategy { append, override_, add_only };

// A top-level config file; false with error "FILE:LINE:COL: ..." when it cannot be read.
bool read_config_file(const std::string& path, ConfigNodePtr& out, std::string& error);

// Merges an included file's top-level keys into root as Falco does: append adds the items of
// a list to the list already there (anything else replaces), override replaces, add-only
// sets only keys not yet set.
void merge_config(ConfigNode& root, const ConfigNode& included, MergeStrategy strategy);

// Applies one "KEY=VALUE" of -o; false with error naming the key when it does not parse.
bool apply_config_override(ConfigNode& root, const std::string& key_value, std::string& error);

// Every leaf as "dotted.key" -> value text (lists as [a, b]), for telling what changed.
std::vector<std::pair<std::string, std::string>> flatten_config(const ConfigNode& root);

struct LoadedConfig {
    ConfigNodePtr root;
    std::vector<std::string> files;        // the main file and every file merged in, in order
    std::vector<std::string> directories;  // config_files directories (watched for new files)
    std::vector<std::string> notes;        // info lines: included paths that do not exist
};

// The main file (optional: "" starts from an empty tree), its config_files, and overrides.
bool load_config(const std::string& main_path, const std::vector<std::string>& overrides,
                 LoadedConfig& out, std::string& error);

}  // namespace sensor::daemon
