#include "config_tree.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

namespace sensor::daemon {
namespace {

constexpr const char* kConfigFilesKey = "config_files";

ConfigNodePtr from_ynode(const rules::YNode& y, const std::shared_ptr<const std::string>& file) {
    auto n = std::make_shared<ConfigNode>();
    n->kind = static_cast<ConfigNode::Kind>(y.kind);
    n->scalar = y.scalar;
    n->file = file;
    n->mark = y.mark;
    for (const auto& item : y.items) n->items.push_back(from_ynode(*item, file));
    for (const auto& [k, v] : y.pairs) {
        // A value's position is its key's, which is what an error about it should point at.
        ConfigNodePtr value = from_ynode(*v, file);
        value->mark = k->Mark();
        n->pairs.emplace_back(k->Scalar(), std::move(value));
    }
    return n;
}

std::string position(const std::string& path, const YAML::Mark& m) {
    return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// One step of an override key: a map key or a list index (npos: `[]`, append).
using KeyStep = std::variant<std::string, size_t>;

bool parse_index(const std::string& key, size_t& i, std::vector<KeyStep>& steps,
                 std::string& error) {
    size_t close = key.find(']', i);
    if (close == std::string::npos) {
        error = "config key '" + key + "': '[' without ']'";
        return false;
    }
    std::string idx = key.substr(i + 1, close - i - 1);
    if (idx.empty()) {
        steps.emplace_back(std::string::npos);
    } else if (std::all_of(idx.begin(), idx.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
               idx.size() < 9) {
        steps.emplace_back(static_cast<size_t>(std::stoul(idx)));
    } else {
        error = "config key '" + key + "': expected a numeric index, found '" + idx + "'";
        return false;
    }
    i = close;
    if (i + 1 < key.size() && key[i + 1] != '.' && key[i + 1] != '[') {
        error = "config key '" + key + "': expected '.' after ']'";
        return false;
    }
    if (i + 1 < key.size() && key[i + 1] == '.') ++i;
    return true;
}

// Falco's key syntax: a.b.c, `\.` `\[` `\]` `\\` escapes, [N] indices.
bool parse_key(const std::string& key, std::vector<KeyStep>& steps, std::string& error) {
    std::string name;
    bool have_name = false;
    auto flush = [&] {
        if (!have_name) return false;
        steps.emplace_back(name);
        name.clear();
        have_name = false;
        return true;
    };
    for (size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c == '\\') {
            if (i + 1 >= key.size() ||
                std::string_view(".[]\\").find(key[i + 1]) == std::string_view::npos) {
                error = "config key '" + key + "': invalid escape at position " + std::to_string(i);
                return false;
            }
            name += key[++i];
            have_name = true;
        } else if (c == '.' || c == '[') {
            if (!flush() &&
                !(c == '[' && !steps.empty() && std::holds_alternative<size_t>(steps.back()))) {
                error = "config key '" + key + "': empty name at position " + std::to_string(i);
                return false;
            }
            if (c == '[' && !parse_index(key, i, steps, error)) return false;
        } else {
            name += c;
            have_name = true;
        }
    }
    if (!flush() &&
        (steps.empty() || std::holds_alternative<std::string>(steps.back()) || key.back() == '.')) {
        error = "config key '" + key + "' is empty or ends with '.'";
        return false;
    }
    return true;
}

// The node at steps under root, made (maps, list items) where missing.
ConfigNode* walk_or_make(ConfigNode& root, const std::vector<KeyStep>& steps,
                         const std::string& key, std::string& error) {
    ConfigNode* n = &root;
    for (const KeyStep& step : steps) {
        if (const auto* name = std::get_if<std::string>(&step)) {
            if (!n->is_map() && !n->is_null()) {
                error = "config key '" + key + "': '" + *name + "' is under a non-map value";
                return nullptr;
            }
            n->kind = ConfigNode::Kind::Map;
            ConfigNodePtr child = n->get(*name);
            if (!child) n->set(*name, child = std::make_shared<ConfigNode>());
            n = child.get();
            continue;
        }
        size_t idx = std::get<size_t>(step);
        if (!n->is_sequence() && !n->is_null()) {
            error = "config key '" + key + "': an index into a value that is not a list";
            return nullptr;
        }
        n->kind = ConfigNode::Kind::Sequence;
        if (idx == std::string::npos) idx = n->items.size();
        if (idx > n->items.size()) {
            error = "config key '" + key + "': index " + std::to_string(idx) +
                    " is past the end of a list of " + std::to_string(n->items.size());
            return nullptr;
        }
        if (idx == n->items.size()) n->items.push_back(std::make_shared<ConfigNode>());
        n = n->items[idx].get();
    }
    return n;
}

// An override's value: `{...}` and `[...]` are YAML, anything else a plain scalar.
bool parse_override_value(const std::string& key, const std::string& value, ConfigNode& out,
                          std::string& error) {
    bool structured = value.size() >= 2 && ((value.front() == '{' && value.back() == '}') ||
                                            (value.front() == '[' && value.back() == ']'));
    if (!structured) {
        out = ConfigNode{};
        out.kind = ConfigNode::Kind::Scalar;
        out.scalar = value;
        return true;
    }
    try {
        auto docs = rules::parse_yaml_documents(value);
        if (docs.size() != 1) throw rules::YamlError("expected one YAML value", {});
        out = *from_ynode(*docs[0], nullptr);
        return true;
    } catch (const rules::YamlError& e) {
        error = "config key '" + key + "': value '" + value + "' is not valid YAML: " + e.what();
        return false;
    }
}

bool read_strategy(const ConfigNode& entry, std::string& path, MergeStrategy& strategy,
                   std::string& error) {
    strategy = MergeStrategy::append;
    if (entry.is_scalar()) {
        path = entry.scalar;
        return true;
    }
    ConfigNodePtr p = entry.is_map() ? entry.get("path") : nullptr;
    if (!p || !p->is_scalar()) {
        error = entry.where() + ": each config_files entry is a path or {path, strategy}";
        return false;
    }
    path = p->scalar;
    for (const auto& [k, v] : entry.pairs) {
        if (k == "path") continue;
        std::string s = v->is_scalar() ? v->scalar : "";
        if (k != "strategy" || (s != "append" && s != "override" && s != "add-only")) {
            error = v->where() + ": config_files entry key '" + k +
                    "' (strategy: append, override or add-only)";
            return false;
        }
        strategy = s == "override"   ? MergeStrategy::override_
                   : s == "add-only" ? MergeStrategy::add_only
                                     : MergeStrategy::append;
    }
    return true;
}

bool include_file(ConfigNode& root, const std::string& path, MergeStrategy strategy,
                  LoadedConfig& out, std::string& error) {
    ConfigNodePtr inc;
    if (!read_config_file(path, inc, error)) return false;
    if (inc->get(kConfigFilesKey)) {
        error = inc->get(kConfigFilesKey)->where() +
                ": 'config_files' in an included config file is not allowed (as in Falco)";
        return false;
    }
    merge_config(root, *inc, strategy);
    out.files.push_back(path);
    return true;
}

// A config_files entry: a file, or a directory's regular files in lexical order.
bool include_entry(ConfigNode& root, const std::string& main_path, const ConfigNode& entry,
                   LoadedConfig& out, std::string& error) {
    namespace fs = std::filesystem;
    std::string path;
    MergeStrategy strategy{};
    if (!read_strategy(entry, path, strategy, error)) return false;
    std::error_code ec;
    if (!main_path.empty() && fs::equivalent(path, main_path, ec)) {
        error = entry.where() + ": config_files includes the main config file " + main_path;
        return false;
    }
    if (!fs::exists(path, ec)) {
        out.notes.push_back("config_files: " + path + " does not exist; skipped (as Falco does)");
        return true;
    }
    if (!fs::is_directory(path, ec)) return include_file(root, path, strategy, out, error);
    out.directories.push_back(path);
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(path,
                                                fs::directory_options::follow_directory_symlink |
                                                    fs::directory_options::skip_permission_denied,
                                                ec))
        if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        if (!include_file(root, f, strategy, out, error)) return false;
    return true;
}

}  // namespace

ConfigNodePtr ConfigNode::get(std::string_view key) const {
    for (const auto& [k, v] : pairs)
        if (k == key) return v;
    return nullptr;
}

void ConfigNode::set(const std::string& key, ConfigNodePtr value) {
    for (auto& [k, v] : pairs)
        if (k == key) {
            v = std::move(value);
            return;
        }
    pairs.emplace_back(key, std::move(value));
}

std::string ConfigNode::where() const {
    return file ? position(*file, mark) : "-o";
}

rules::YNodePtr ConfigNode::to_ynode() const {
    auto y = std::make_shared<rules::YNode>();
    y->kind = static_cast<rules::YNode::Kind>(kind);
    y->scalar = scalar;
    y->mark = mark;
    for (const auto& item : items) y->items.push_back(item->to_ynode());
    for (const auto& [k, v] : pairs) {
        auto key = std::make_shared<rules::YNode>();
        key->kind = rules::YNode::Kind::Scalar;
        key->scalar = k;
        key->mark = v->mark;
        y->pairs.emplace_back(key, v->to_ynode());
    }
    return y;
}

bool read_config_file(const std::string& path, ConfigNodePtr& out, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot read config file " + path;
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<rules::YNodePtr> docs;
    try {
        docs = rules::parse_yaml_documents(ss.str());
    } catch (const rules::YamlError& e) {
        error = position(path, e.mark) + ": " + e.what();
        return false;
    }
    auto file = std::make_shared<const std::string>(path);
    if (docs.empty() || docs[0]->IsNull()) {
        out = std::make_shared<ConfigNode>();
        out->kind = ConfigNode::Kind::Map;
        out->file = file;
        return true;
    }
    if (docs.size() > 1 || !docs[0]->IsMap()) {
        error = path + ": the config must be one YAML mapping";
        return false;
    }
    out = from_ynode(*docs[0], file);
    return true;
}

void merge_config(ConfigNode& root, const ConfigNode& included, MergeStrategy strategy) {
    root.kind = ConfigNode::Kind::Map;
    for (const auto& [key, value] : included.pairs) {
        ConfigNodePtr have = root.get(key);
        if (strategy == MergeStrategy::add_only) {
            if (!have) root.set(key, value);
            continue;
        }
        if (strategy == MergeStrategy::append && value->is_sequence() && have &&
            (have->is_sequence() || have->is_null())) {
            auto merged = std::make_shared<ConfigNode>(*have);
            merged->kind = ConfigNode::Kind::Sequence;
            merged->items.insert(merged->items.end(), value->items.begin(), value->items.end());
            root.set(key, merged);
            continue;
        }
        root.set(key, value);
    }
}

bool apply_config_override(ConfigNode& root, const std::string& kv, std::string& error) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
        error = "option '" + kv + "' must be key=value";
        return false;
    }
    std::string key = kv.substr(0, eq);
    std::vector<KeyStep> steps;
    if (!parse_key(key, steps, error)) return false;
    ConfigNode value;
    if (!parse_override_value(key, kv.substr(eq + 1), value, error)) return false;
    ConfigNode* target = walk_or_make(root, steps, key, error);
    if (!target) return false;
    *target = std::move(value);
    return true;
}

namespace {
void flatten_into(const ConfigNode& n, const std::string& key,
                  std::vector<std::pair<std::string, std::string>>& out) {
    if (n.is_map()) {
        for (const auto& [k, v] : n.pairs) flatten_into(*v, key.empty() ? k : key + "." + k, out);
        return;
    }
    if (!n.is_sequence()) {
        out.emplace_back(key, n.scalar);
        return;
    }
    for (size_t i = 0; i < n.items.size(); ++i)
        flatten_into(*n.items[i], key + "[" + std::to_string(i) + "]", out);
    if (n.items.empty()) out.emplace_back(key, "[]");
}
}  // namespace

std::vector<std::pair<std::string, std::string>> flatten_config(const ConfigNode& root) {
    std::vector<std::pair<std::string, std::string>> out;
    flatten_into(root, "", out);
    std::sort(out.begin(), out.end());
    return out;
}

bool load_config(const std::string& main_path, const std::vector<std::string>& overrides,
                 LoadedConfig& out, std::string& error) {
    out = LoadedConfig{};
    if (main_path.empty()) {
        out.root = std::make_shared<ConfigNode>();
        out.root->kind = ConfigNode::Kind::Map;
    } else {
        if (!read_config_file(main_path, out.root, error)) return false;
        out.files.push_back(main_path);
    }
    // As Falco: -o config_files=... first, so that the files it names merge in before the
    // other overrides apply.
    for (const auto& kv : overrides)
        if (kv.rfind(kConfigFilesKey, 0) == 0 && !apply_config_override(*out.root, kv, error))
            return false;
    if (ConfigNodePtr inc = out.root->get(kConfigFilesKey)) {
        if (!inc->is_sequence() && !inc->is_null() && !inc->is_scalar()) {
            error = inc->where() + ": config_files expects a list of paths";
            return false;
        }
        std::vector<ConfigNodePtr> entries = inc->items;
        if (inc->is_scalar()) entries = {inc};  // -o config_files=PATH
        for (const auto& entry : entries)
            if (!include_entry(*out.root, main_path, *entry, out, error)) return false;
    }
    for (const auto& kv : overrides)
        if (!apply_config_override(*out.root, kv, error)) return false;
    return true;
}

}  // namespace sensor::daemon
