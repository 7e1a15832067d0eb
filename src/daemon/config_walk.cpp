// Applies a merged config tree (config_tree.h) to RunConfig: nested maps become dotted keys
// for the scalar handlers (config_keys.h); rules, plugins, append_output and static_fields are
// read as the structures they are.
#include <cstdlib>

#include "config_keys.h"
#include "run_config.h"
#include "sensor/engine/output_template.h"
#include "sensor/fields/event_source.h"

namespace sensor::daemon {
namespace {

// "FILE:LINE:COL: " for a node from a file, "" for one from -o.
std::string at(const ConfigNode& n) {
    return n.file ? n.where() + ": " : std::string();
}

bool fail(const ConfigNode& n, const std::string& message, std::string& error) {
    error = at(n) + message;
    return false;
}

// Falco's environment expansion of config values: ${NAME} is the variable's value (empty when
// unset), $${ a literal ${.
std::string expand_env(const std::string& v) {
    if (v.find("${") == std::string::npos) return v;
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 2;
            continue;
        }
        size_t close = v.find('}', i + 2);
        if (v.compare(i, 2, "${") != 0 || close == std::string::npos) {
            out += v[i];
            continue;
        }
        if (const char* e = std::getenv(v.substr(i + 2, close - i - 2).c_str())) out += e;
        i = close;
    }
    return out;
}

bool set_at(RunConfig& c, const ConfigNode& n, const std::string& key, const std::string& value,
            std::string& error) {
    if (c.set(key, value, error)) return true;
    error = at(n) + error;
    return false;
}

// [{disable: {rule: NAME}}, {enable: {tag: TAG}}, ...] as the selectors' text form.
bool read_rules(RunConfig& c, const ConfigNode& v, std::string& error) {
    if (v.is_scalar() || v.is_null()) return set_at(c, v, "rules", v.scalar, error);
    std::string steps;
    for (const auto& item : v.items) {
        const ConfigNode* inner =
            item->is_map() && item->pairs.size() == 1 ? item->pairs[0].second.get() : nullptr;
        if (!inner || !inner->is_map() || inner->pairs.size() != 1 ||
            !inner->pairs[0].second->is_scalar())
            return fail(*item,
                        "config key 'rules' expects items like {disable: {rule: NAME}} or "
                        "{enable: {tag: TAG}}",
                        error);
        steps += item->pairs[0].first + " " + inner->pairs[0].first + "=" +
                 inner->pairs[0].second->scalar + ";";
    }
    return set_at(c, v, "rules", steps, error);
}

bool read_plugins(RunConfig& c, const ConfigNode& v, std::string& error) {
    if (v.is_null()) return true;
    if (!v.is_sequence()) return fail(v, "config key 'plugins' expects a list", error);
    // One list, read at once: read_plugin_entries replaces what it is given.
    auto seq = std::make_shared<rules::YNode>();
    seq->kind = rules::YNode::Kind::Sequence;
    for (const auto& item : v.items) seq->items.push_back(item->to_ynode());
    return read_plugin_entries(*seq, v.file ? *v.file : "-o", c.plugins, error);
}

// Whether format compiles for the source named (any registered source when none is).
bool format_compiles(const std::string& format, const std::string& source, std::string& why) {
    for (const fields::EventSource* s : fields::sources()) {
        if (!source.empty() && s->name() != source) continue;
        try {
            engine::compile_output(format, s->id());
            return true;
        } catch (const std::exception& e) {
            why = e.what();
        }
    }
    if (why.empty()) why = "unknown source '" + source + "'";
    return false;
}

bool read_match(const ConfigNode& m, rules::LoadOptions::AppendOutput& a, std::string& error) {
    for (const auto& [k, v] : m.pairs) {
        if (k == "source" && v->is_scalar()) {
            a.source = v->scalar;
        } else if (k == "rule" && v->is_scalar()) {
            a.rule = v->scalar;
        } else if (k == "tags" && v->is_sequence()) {
            for (const auto& t : v->items) {
                if (!t->is_scalar()) return fail(*t, "append_output match.tags are names", error);
                a.tags.push_back(t->scalar);
            }
        } else {
            return fail(*v,
                        "config key 'append_output[].match." + k + "' is unknown or not " +
                            "of its type (source, rule: text; tags: a list)",
                        error);
        }
    }
    return true;
}

bool read_extra_fields(const ConfigNode& v, rules::LoadOptions::AppendOutput& a,
                       std::string& error) {
    if (!v.is_sequence())
        return fail(v, "config key 'append_output[].extra_fields' expects a list", error);
    for (const auto& f : v.items) {
        std::string why;
        if (f->is_scalar()) {
            if (!format_compiles("%" + f->scalar, a.source, why))
                return fail(*f, "append_output extra field '" + f->scalar + "': " + why, error);
            a.raw_fields.push_back(f->scalar);
        } else if (f->is_map() && f->pairs.size() == 1 && f->pairs[0].second->is_scalar()) {
            const auto& [name, format] = f->pairs[0];
            std::string text = expand_env(format->scalar);
            if (!format_compiles(text, a.source, why))
                return fail(*f, "append_output extra field '" + name + "': " + why, error);
            a.formatted_fields.emplace_back(name, text);
        } else {
            return fail(*f, "append_output extra_fields items are a field name or {name: format}",
                        error);
        }
    }
    return true;
}

bool read_append_entry(RunConfig& c, const ConfigNode& e, std::string& error) {
    if (!e.is_map()) return fail(e, "each append_output item must be a mapping", error);
    rules::LoadOptions::AppendOutput a;
    if (ConfigNodePtr m = e.get("match"); m && !(m->is_map() && read_match(*m, a, error)))
        return m->is_map() ? false : fail(*m, "append_output match must be a mapping", error);
    bool suggested = false;
    for (const auto& [k, v] : e.pairs) {
        std::string why;
        if (k == "match") continue;
        if (k == "extra_fields") {
            if (!read_extra_fields(*v, a, error)) return false;
        } else if (k == "extra_output" && v->is_scalar()) {
            a.extra_output = expand_env(v->scalar);
            if (!format_compiles(a.extra_output, a.source, why))
                return fail(*v, "append_output extra_output: " + why, error);
        } else if (k == "suggested_output" && v->is_scalar()) {
            if (!rules::parse_yaml_bool(v->scalar, suggested))
                return fail(*v,
                            "config key 'append_output[].suggested_output' expects true or "
                            "false, got '" +
                                v->scalar + "'",
                            error);
        } else {
            return fail(*v, "unknown config key 'append_output[]." + k + "'", error);
        }
    }
    // The suggested fields are the container plugin's, which are syscall fields.
    if (suggested && (a.source.empty() || a.source == "syscall")) {
        rules::LoadOptions::AppendOutput s = a;
        s.source = "syscall";
        s.extra_output = kSuggestedOutput;
        s.raw_fields.clear();
        s.formatted_fields.clear();
        c.output.append_entries.push_back(std::move(s));
    }
    c.output.append_entries.push_back(std::move(a));
    return true;
}

// Falco's list form replaces the defaults (suggested fields everywhere); the sensor's map
// form (append_output.suggested_output, .join_keys) is walked as dotted keys.
bool read_append_output(RunConfig& c, const ConfigNode& v, std::string& error) {
    if (v.is_map()) return walk_config(c, v, "append_output.", error);
    if (v.is_null()) return true;
    if (!v.is_sequence()) return fail(v, "config key 'append_output' expects a list", error);
    c.output.suggested_output = false;
    c.output.append_entries.clear();
    for (const auto& e : v.items)
        if (!read_append_entry(c, *e, error)) return false;
    return true;
}

bool read_static_fields(RunConfig& c, const ConfigNode& v, std::string& error) {
    if (v.is_null()) return true;
    if (!v.is_map()) return fail(v, "config key 'static_fields' expects a mapping", error);
    c.output.static_fields.clear();
    for (const auto& [k, val] : v.pairs) {
        if (!val->is_scalar())
            return fail(*val, "config key 'static_fields." + k + "' expects a text value", error);
        c.output.static_fields.emplace_back(k, expand_env(val->scalar));
    }
    return true;
}

using NodeHandler = bool (*)(RunConfig&, const ConfigNode&, std::string&);
struct NodeKey {
    const char* key;
    NodeHandler handler;
};
constexpr NodeKey kNodeKeys[] = {
    {"rules", read_rules},
    {"plugins", read_plugins},
    {"append_output", read_append_output},
    {"static_fields", read_static_fields},
    // Merged in already (config_tree.cpp).
    {"config_files", [](RunConfig&, const ConfigNode&, std::string&) { return true; }},
};

// A list of scalars as the comma-separated text the scalar handlers take.
bool list_text(const std::string& key, const ConfigNode& v, std::string& out, std::string& error) {
    for (const auto& item : v.items) {
        if (!item->is_scalar())
            return fail(*item, "config key '" + key + "' expects a list of strings", error);
        if (!out.empty()) out += ',';
        out += expand_env(item->scalar);
    }
    return true;
}

}  // namespace

bool walk_config(RunConfig& c, const ConfigNode& map, const std::string& prefix,
                 std::string& error) {
    for (const auto& [k, v] : map.pairs) {
        std::string key = prefix + k;
        bool handled = false;
        for (const NodeKey& nk : kNodeKeys)
            if (key == nk.key) {
                if (!nk.handler(c, *v, error)) return false;
                handled = true;
            }
        if (handled) continue;
        if (v->is_map()) {
            if (!walk_config(c, *v, key + ".", error)) return false;
            continue;
        }
        std::string value;
        if (v->is_sequence() ? !list_text(key, *v, value, error) : false) return false;
        if (v->is_scalar()) value = expand_env(v->scalar);
        if (!set_at(c, *v, key, value, error)) return false;
    }
    return true;
}

}  // namespace sensor::daemon
