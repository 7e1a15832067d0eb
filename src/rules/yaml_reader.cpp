// Reads one rules file (YAML) into the collector, validating structure and key types.
#include "yaml_reader.h"

#include "yaml_tree.h"

#include <cstring>
#include <regex>

namespace sensor::rules {
namespace {

struct Ctx {
    std::shared_ptr<const SourceFile> file;
    Collector& collector;
    std::vector<Diagnostic>& warnings;
    ReadState& state;
    std::string kind;  // current item kind
    std::string name;  // current item name
};

Location loc_of(const Ctx& c, const YNode& n) {
    Location l;
    l.file = c.file;
    YAML::Mark m = n.Mark();
    if (m.pos >= 0) {
        l.pos = static_cast<size_t>(m.pos);
        l.line = static_cast<uint32_t>(m.line + 1);
        l.col = static_cast<uint32_t>(m.column + 1);
    }
    return l;
}

[[noreturn]] void fail(const Ctx& c, const std::string& code, const std::string& msg,
                       const YNode& at) {
    throw LoadError(make_diag(true, code, msg, loc_of(c, at), c.kind, c.name));
}

void warn(const Ctx& c, const std::string& code, const std::string& msg, const YNode& at) {
    c.warnings.push_back(make_diag(false, code, msg, loc_of(c, at), c.kind, c.name));
}

// Finds `key` in a map.
const YNode* find_key(const YNode& map, std::string_view key) {
    for (const auto& [k, v] : map.pairs)
        if (k->IsScalar() && k->Scalar() == key) return v.get();
    return nullptr;
}

struct Item {
    const Ctx& c;
    const YNode& node;

    Item(const Ctx& ctx, const YNode& n) : c(ctx), node(n) {}
    const YNode* get(std::string_view key) { return find_key(node, key); }

    std::optional<std::string> scalar(std::string_view key, bool required = false) {
        const YNode* v = get(key);
        if (!v) {
            if (required)
                fail(c, "LOAD_ERR_YAML_VALIDATE",
                     "Item has no mapping for key '" + std::string(key) + "'", node);
            return std::nullopt;
        }
        if (v->IsNull()) {
            if (required)
                fail(c, "LOAD_ERR_YAML_VALIDATE",
                     "Mapping for key '" + std::string(key) + "' is empty", *v);
            return std::string();
        }
        if (!v->IsScalar())
            fail(c, "LOAD_ERR_YAML_VALIDATE",
                 "Value of '" + std::string(key) + "' must be a string, not a " +
                     (v->IsSequence() ? "sequence" : "mapping"),
                 *v);
        return v->Scalar();
    }

    std::optional<LocatedText> text(std::string_view key, bool required = false) {
        auto s = scalar(key, required);
        if (!s) return std::nullopt;
        return LocatedText::from(*s, loc_of(c, *get(key)));
    }

    std::optional<bool> boolean(std::string_view key) {
        const YNode* v = get(key);
        if (!v) return std::nullopt;
        bool out = false;
        if (!v->IsScalar() || !parse_yaml_bool(v->Scalar(), out))
            fail(c, "LOAD_ERR_YAML_VALIDATE",
                 "Value of '" + std::string(key) + "' must be a boolean (true or false)", *v);
        return out;
    }

    std::vector<std::string> scalar_seq(const YNode& v, const std::string& what) {
        std::vector<std::string> out;
        if (v.IsNull()) return out;
        if (!v.IsSequence())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of '" + what + "' must be a sequence", v);
        for (const auto& e : v.items) {
            if (!e->IsScalar())
                fail(c, "LOAD_ERR_YAML_VALIDATE", "Items of '" + what + "' must be strings", *e);
            out.push_back(e->Scalar());
        }
        return out;
    }

    void check_keys(std::initializer_list<std::string_view> known) {
        for (const auto& [key, value] : node.pairs) {
            std::string k = key->IsScalar() ? key->Scalar() : "?";
            bool ok = false;
            for (auto kk : known) ok |= kk == k;
            if (!ok)
                warn(c, "LOAD_UNKNOWN_KEY", "Unknown key '" + k + "'. The key will be ignored.",
                     *key);
        }
    }

    // Lists and macros have one overridable key; returns its operation, if any.
    std::optional<std::string> single_override(const std::string& key, const std::string& kind,
                                               bool append, bool& present) {
        auto ov = overrides(present);
        if (append && present)
            fail(c, "LOAD_ERR_YAML_VALIDATE",
                 "Keys 'override' and 'append: true' cannot be used together.", node);
        std::optional<std::string> out;
        for (const auto& [k, op] : ov) {
            if (k != key)
                fail(c, "LOAD_ERR_YAML_VALIDATE",
                     "Key '" + k + "' cannot be overridden in a " + kind, *get("override"));
            if (op != "append" && op != "replace")
                fail(c, "LOAD_ERR_YAML_VALIDATE",
                     "Invalid override operation for key '" + key + "': '" + op + "'",
                     *get("override"));
            out = op;
        }
        return out;
    }

    std::map<std::string, std::string> overrides(bool& present) {
        std::map<std::string, std::string> out;
        const YNode* v = get("override");
        present = v != nullptr;
        if (!v) return out;
        if (!v->IsMap())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'override' must be a mapping", *v);
        for (const auto& [k, op] : v->pairs) {
            if (!k->IsScalar() || !op->IsScalar())
                fail(c, "LOAD_ERR_YAML_VALIDATE",
                     "Entries of 'override' must be 'key: append|replace'", *k);
            out[k->Scalar()] = op->Scalar();
        }
        return out;
    }
};

std::string item_name(Item& it, const char* key) {
    auto n = it.scalar(key, true);
    if (n->empty())
        fail(it.c, "LOAD_ERR_YAML_VALIDATE", std::string("Mapping for key '") + key + "' is empty",
             it.node);
    return *n;
}

void read_engine_version(Ctx& c, Item& it) {
    c.kind = "required_engine_version";
    c.name.clear();
    it.check_keys({"required_engine_version"});
    const YNode* v = it.get("required_engine_version");
    if (!v->IsScalar())
        fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'required_engine_version' must be a version",
             *v);
    std::string s = v->Scalar();
    c.name = s;
    static const std::regex int_re("^[0-9]+$");
    static const std::regex semver_re("^([0-9]+)\\.([0-9]+)\\.([0-9]+)$");
    if (std::regex_match(s, int_re)) s = "0." + s + ".0";
    std::smatch m;
    if (!std::regex_match(s, m, semver_re))
        fail(c, "LOAD_ERR_YAML_VALIDATE",
             "Unable to parse engine version '" + s + "' as a semver string", *v);
    EngineVersion req{std::stoul(m[1]), std::stoul(m[2]), std::stoul(m[3])};
    if (req.major != kEngineVersion.major || !(req <= kEngineVersion))
        fail(c, "LOAD_ERR_VALIDATE",
             "Rules require engine version " + req.str() + ", but engine version is " +
                 kEngineVersion.str(),
             *v);
    if (c.state.required_engine_version < req) c.state.required_engine_version = req;
}

void read_plugin_versions(Ctx& c, Item& it) {
    c.kind = "required_plugin_versions";
    c.name.clear();
    it.check_keys({"required_plugin_versions"});
    const YNode* v = it.get("required_plugin_versions");
    if (!v->IsSequence())
        fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'required_plugin_versions' must be a sequence",
             *v);
    for (const auto& pp : v->items) {
        const YNode& p = *pp;
        if (!p.IsMap())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Each required plugin must be a mapping", p);
        const YNode* name = find_key(p, "name");
        const YNode* version = find_key(p, "version");
        if (!name || !name->IsScalar())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'name'", p);
        if (!version || !version->IsScalar())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'version'", p);
        c.state.required_plugins.push_back({name->Scalar(), version->Scalar(), loc_of(c, p), {}});
        if (const YNode* alts = find_key(p, "alternatives")) {
            if (!alts->IsSequence())
                fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'alternatives' must be a sequence",
                     *alts);
            for (const auto& ap : alts->items) {
                const YNode& a = *ap;
                const YNode* an = find_key(a, "name");
                const YNode* av = find_key(a, "version");
                if (!a.IsMap() || !an || !av || !an->IsScalar() || !av->IsScalar())
                    fail(c, "LOAD_ERR_YAML_VALIDATE",
                         "Each alternative needs scalar 'name' and 'version'", a);
                c.state.required_plugins.back().alternatives.push_back(
                    {an->Scalar(), av->Scalar()});
            }
        }
    }
}

void read_list(Ctx& c, Item& it) {
    c.kind = "list";
    c.name.clear();
    ListDecl d;
    d.name = item_name(it, "list");
    c.name = d.name;
    d.loc = loc_of(c, it.node);
    it.check_keys({"list", "items", "append", "override"});
    static const std::regex list_name_re(R"re([^()"'[:space:]=,]+)re");
    if (!std::regex_match(d.name, list_name_re))
        warn(c, "LOAD_INVALID_LIST_NAME",
             "List has an invalid name. List names should match a regular expression: "
             "[^()\"'[:space:]=,]+",
             it.node);
    const YNode* items = it.get("items");
    if (!items) fail(c, "LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'items'", it.node);
    d.items = it.scalar_seq(*items, "items");
    d.append = it.boolean("append").value_or(false);
    d.override_op = it.single_override("items", "list", d.append, d.has_override);
    c.collector.add_list(std::move(d), c.warnings);
}

void read_macro(Ctx& c, Item& it) {
    c.kind = "macro";
    c.name.clear();
    MacroDecl d;
    d.name = item_name(it, "macro");
    c.name = d.name;
    d.loc = loc_of(c, it.node);
    it.check_keys({"macro", "condition", "append", "override"});
    static const std::regex macro_name_re("[a-zA-Z]+[a-zA-Z0-9_]*");
    if (!std::regex_match(d.name, macro_name_re))
        warn(c, "LOAD_INVALID_MACRO_NAME",
             "Macro has an invalid name. Macro names should match a regular expression: "
             "[a-zA-Z]+[a-zA-Z0-9_]*",
             it.node);
    d.condition = *it.text("condition", true);
    d.append = it.boolean("append").value_or(false);
    d.override_op = it.single_override("condition", "macro", d.append, d.has_override);
    c.collector.add_macro(std::move(d), c.warnings);
}

ExceptionDef read_exception(Ctx& c, const YNode& e) {
    ExceptionDef x;
    x.loc = loc_of(c, e);
    if (!e.IsMap()) fail(c, "LOAD_ERR_YAML_VALIDATE", "Each exception must be a mapping", e);
    Item it(c, e);
    x.name = item_name(it, "name");
    // Falco checks no keys of an exception (it warns about rules, macros, lists and the
    // required_* items only).
    if (const YNode* f = it.get("fields")) {
        if (f->IsScalar()) {
            x.fields.push_back(f->Scalar());
        } else {
            x.fields_is_list = true;
            x.fields = it.scalar_seq(*f, "fields");
        }
    }
    if (const YNode* cm = it.get("comps")) {
        x.comps_given = true;
        if (cm->IsScalar())
            x.comps.push_back(cm->Scalar());
        else
            x.comps = it.scalar_seq(*cm, "comps");
    }
    if (const YNode* v = it.get("values")) {
        if (!v->IsSequence() && !v->IsNull())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'values' must be a sequence", *v);
        if (v->IsSequence()) {
            for (const auto& rowp : v->items) {
                const YNode& row = *rowp;
                std::vector<ExceptionValue> vals;
                auto one = [&](const YNode& n) {
                    ExceptionValue ev;
                    if (n.IsScalar()) {
                        ev.scalar = n.Scalar();
                    } else if (n.IsSequence()) {
                        ev.is_list = true;
                        ev.list = it.scalar_seq(n, "values");
                    } else {
                        fail(c, "LOAD_ERR_YAML_VALIDATE",
                             "Exception values must be strings or lists", n);
                    }
                    return ev;
                };
                if (x.fields_is_list) {
                    if (!row.IsSequence())
                        fail(c, "LOAD_ERR_YAML_VALIDATE",
                             "Expected values array for exception '" + x.name +
                                 "' to contain a list of values",
                             row);
                    for (const auto& cell : row.items) vals.push_back(one(*cell));
                } else {
                    if (!row.IsScalar())
                        fail(c, "LOAD_ERR_YAML_VALIDATE",
                             "Expected values array for exception '" + x.name +
                                 "' to contain a list of strings",
                             row);
                    vals.push_back(one(row));
                }
                x.values.push_back(std::move(vals));
            }
        }
    }
    return x;
}

void read_rule(Ctx& c, Item& it) {
    c.kind = "rule";
    c.name.clear();
    RuleDecl d;
    d.name = item_name(it, "rule");
    c.name = d.name;
    d.loc = loc_of(c, it.node);
    it.check_keys({"rule", "condition", "output", "desc", "priority", "source", "tags",
                   "exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter", "capture",
                   "capture_duration", "append", "override"});
    for (const auto& [k, v] : it.node.pairs)
        if (k->IsScalar()) d.key_locs[k->Scalar()] = loc_of(c, *k);
    d.condition = it.text("condition");
    if (auto o = it.text("output")) {
        // Falco trims the output.
        auto& s = o->text;
        size_t b = s.find_first_not_of(" \t\r\n");
        size_t e = s.find_last_not_of(" \t\r\n");
        if (b == std::string::npos) {
            s.clear();
        } else {
            for (auto& p : o->pieces) p.start = p.start > b ? p.start - b : 0;
            s = s.substr(b, e - b + 1);
        }
        d.output = std::move(o);
    }
    d.desc = it.scalar("desc");
    if (auto p = it.scalar("priority")) {
        auto pr = engine::parse_priority(*p);
        if (!pr) fail(c, "LOAD_ERR_YAML_VALIDATE", "Invalid priority", *it.get("priority"));
        d.priority = pr;
    }
    d.source = it.scalar("source");
    if (const YNode* t = it.get("tags")) {
        auto v = it.scalar_seq(*t, "tags");
        d.tags = std::set<std::string>(v.begin(), v.end());
    }
    if (const YNode* ex = it.get("exceptions")) {
        if (!ex->IsSequence() && !ex->IsNull())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'exceptions' must be a sequence", *ex);
        std::vector<ExceptionDef> list;
        std::set<std::string> names;
        if (ex->IsSequence()) {
            for (const auto& ep : ex->items) {
                const YNode& e = *ep;
                list.push_back(read_exception(c, e));
                if (!names.insert(list.back().name).second)
                    warn(c, "LOAD_EXCEPTION_NAME_NOT_UNIQUE",
                         "Multiple definitions of exception '" + list.back().name +
                             "' in the same rule",
                         e);
            }
        }
        d.exceptions = std::move(list);
    }
    d.enabled = it.boolean("enabled");
    d.warn_evttypes = it.boolean("warn_evttypes");
    d.skip_if_unknown_filter = it.boolean("skip-if-unknown-filter");
    d.capture = it.boolean("capture");
    if (auto cd = it.scalar("capture_duration")) {
        try {
            d.capture_duration = std::stoull(*cd);
        } catch (const std::exception&) {
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'capture_duration' must be a number",
                 *it.get("capture_duration"));
        }
    }
    d.append = it.boolean("append").value_or(false);
    d.override_ops = it.overrides(d.has_override);
    c.collector.add_rule(std::move(d), c.warnings);
}

SequenceStepDecl read_sequence_step(Ctx& c, const YNode& n) {
    if (!n.IsMap()) fail(c, "LOAD_ERR_YAML_VALIDATE", "Each step must be a mapping", n);
    Item it(c, n);
    it.check_keys({"rule", "source", "condition", "by"});
    SequenceStepDecl st;
    st.loc = loc_of(c, n);
    if (auto r = it.scalar("rule")) st.rule = *r;
    if (auto src = it.scalar("source")) st.source = *src;
    st.condition = it.text("condition");
    if (st.rule.empty() == (st.source.empty() || !st.condition))
        fail(c, "LOAD_ERR_YAML_VALIDATE",
             "A step has either 'rule' or both 'source' and 'condition'", n);
    const YNode* by = it.get("by");
    if (!by) fail(c, "LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'by'", n);
    st.by = by->IsScalar() ? std::vector<std::string>{by->Scalar()} : it.scalar_seq(*by, "by");
    if (st.by.empty()) fail(c, "LOAD_ERR_YAML_VALIDATE", "Value of 'by' is empty", *by);
    return st;
}

void read_sequence(Ctx& c, Item& it) {
    c.kind = "sequence";
    c.name.clear();
    SequenceDef d;
    d.name = item_name(it, "sequence");
    c.name = d.name;
    d.loc = loc_of(c, it.node);
    it.check_keys({"sequence", "desc", "within", "steps", "output", "priority", "tags", "enabled"});
    d.desc = it.scalar("desc").value_or("");
    d.within = *it.scalar("within", true);
    d.within_loc = loc_of(c, *it.get("within"));
    const YNode* steps = it.get("steps");
    if (!steps || !steps->IsSequence() || steps->items.size() < 2)
        fail(c, "LOAD_ERR_YAML_VALIDATE", "A sequence needs 'steps': a list of at least two",
             steps ? *steps : it.node);
    for (const auto& s : steps->items) d.steps.push_back(read_sequence_step(c, *s));
    d.output = *it.text("output", true);
    auto prio = engine::parse_priority(*it.scalar("priority", true));
    if (!prio)
        fail(c, "LOAD_ERR_YAML_VALIDATE", "Invalid priority level: " + *it.scalar("priority"),
             *it.get("priority"));
    d.priority = *prio;
    if (const YNode* t = it.get("tags"))
        for (auto& tag : it.scalar_seq(*t, "tags")) d.tags.insert(tag);
    d.enabled = it.boolean("enabled").value_or(true);
    c.collector.next_index();
    c.collector.add_sequence(std::move(d));
}

}  // namespace

void read_rules_file(std::shared_ptr<const SourceFile> file, Collector& collector,
                     std::vector<Diagnostic>& warnings, ReadState& state) {
    Ctx c{file, collector, warnings, state, "rules content", ""};
    Location file_start;
    file_start.file = file;
    file_start.line = 1;
    file_start.col = 1;
    if (file->content.find('\0') != std::string::npos)
        throw LoadError(make_diag(true, "LOAD_ERR_YAML_PARSE",
                                  "file is not text: it contains NUL bytes", file_start,
                                  "rules content", ""));
    std::vector<YNodePtr> docs;
    try {
        docs = parse_yaml_documents(file->content);
    } catch (const YamlError& e) {
        Location l = file_start;
        if (e.mark.pos >= 0) {
            l.pos = static_cast<size_t>(e.mark.pos);
            l.line = static_cast<uint32_t>(e.mark.line + 1);
            l.col = static_cast<uint32_t>(e.mark.column + 1);
        }
        throw LoadError(make_diag(true, "LOAD_ERR_YAML_PARSE", e.what(), l, "rules content", ""));
    }
    for (const auto& docp : docs) {
        const YNode& doc = *docp;
        if (doc.IsNull()) continue;
        c.kind = "rules content";
        c.name.clear();
        if (!doc.IsSequence())
            fail(c, "LOAD_ERR_YAML_VALIDATE", "Rules content is not yaml array of objects", doc);
        for (const auto& nodep : doc.items) {
            const YNode& node = *nodep;
            if (node.IsNull()) continue;  // an empty `-` entry, skipped as Falco does
            c.kind = "rules content";
            c.name.clear();
            if (!node.IsMap())
                fail(c, "LOAD_ERR_YAML_VALIDATE",
                     "Unexpected element type. Each element should be a yaml associative array.",
                     node);
            Item it(c, node);
            if (it.get("required_engine_version")) {
                collector.next_index();
                read_engine_version(c, it);
            } else if (it.get("required_plugin_versions")) {
                collector.next_index();
                read_plugin_versions(c, it);
            } else if (it.get("list")) {
                read_list(c, it);
            } else if (it.get("macro")) {
                read_macro(c, it);
            } else if (it.get("rule")) {
                read_rule(c, it);
            } else if (it.get("sequence")) {
                read_sequence(c, it);
            } else {
                collector.next_index();
                warn(c, "LOAD_UNKNOWN_ITEM", "Unknown top level item", node);
            }
        }
    }
}

}  // namespace sensor::rules
