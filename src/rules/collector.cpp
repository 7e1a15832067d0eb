#include "collector.h"

namespace sensor::rules {

Diagnostic make_diag(bool error, std::string code, std::string message, const Location& loc,
                     std::string kind, std::string name) {
    Diagnostic d;
    d.error = error;
    d.code = std::move(code);
    d.message = std::move(message);
    d.item_kind = std::move(kind);
    d.item_name = std::move(name);
    set_location(d, loc);
    return d;
}

namespace {

// Falco's wording (rule_loading_messages.h WARNING_APPEND).
constexpr const char* kAppendDeprecated =
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under "
    "'override' instead.";

[[noreturn]] void fail(const std::string& code, const std::string& msg, const Location& loc,
                       const std::string& kind, const std::string& name) {
    throw LoadError(make_diag(true, code, msg, loc, kind, name));
}

template <typename T>
T* lookup(std::vector<T>& v, std::unordered_map<std::string, size_t>& ids, const std::string& n) {
    auto it = ids.find(n);
    return it == ids.end() ? nullptr : &v[it->second];
}

}  // namespace

ListDef* Collector::find_list(const std::string& n) {
    return lookup(lists_, list_ids_, n);
}
MacroDef* Collector::find_macro(const std::string& n) {
    return lookup(macros_, macro_ids_, n);
}
RuleDef* Collector::find_rule(const std::string& n) {
    return lookup(rules_, rule_ids_, n);
}

void Collector::add_list(ListDecl d, std::vector<Diagnostic>& warnings) {
    size_t index = next_index();
    if (d.append) {
        warnings.push_back(
            make_diag(false, "LOAD_DEPRECATED_ITEM", kAppendDeprecated, d.loc, "list", d.name));
    }
    // Only appending needs a previous definition; a replace of nothing defines the list.
    bool append = d.append || d.override_op == "append";
    ListDef* prev = find_list(d.name);
    if (append && !prev)
        fail("LOAD_ERR_VALIDATE",
             std::string("List has '") + (d.append ? "append" : "override") +
                 "' key but no list by that name already exists",
             d.loc, "list", d.name);
    if (append) {
        for (auto& i : d.items) prev->items.push_back(std::move(i));
        prev->visibility = index;
        return;
    }
    if (prev) {
        prev->items = std::move(d.items);
        prev->loc = d.loc;
        prev->visibility = index;
        return;
    }
    list_ids_[d.name] = lists_.size();
    lists_.push_back(ListDef{d.name, std::move(d.items), d.loc, index, index, false});
}

void Collector::add_macro(MacroDecl d, std::vector<Diagnostic>& warnings) {
    size_t index = next_index();
    if (d.append) {
        warnings.push_back(
            make_diag(false, "LOAD_DEPRECATED_ITEM", kAppendDeprecated, d.loc, "macro", d.name));
    }
    bool append = d.append || d.override_op == "append";
    MacroDef* prev = find_macro(d.name);
    if (append && !prev)
        fail("LOAD_ERR_VALIDATE",
             std::string("Macro has '") + (d.append ? "append" : "override") +
                 "' key but no macro by that name already exists",
             d.loc, "macro", d.name);
    if (append) {
        // The appended text may use macros defined since the first definition.
        prev->condition.append(d.condition);
        prev->visibility = index;
        return;
    }
    if (prev) {
        prev->condition = std::move(d.condition);
        prev->loc = d.loc;
        prev->visibility = index;
        return;
    }
    macro_ids_[d.name] = macros_.size();
    macros_.push_back(MacroDef{d.name, std::move(d.condition), d.loc, index, index, false});
}

namespace {

const std::set<std::string> kAppendable = {"condition", "output", "desc", "tags", "exceptions"};
const std::set<std::string> kReplaceable = {"condition",
                                            "output",
                                            "desc",
                                            "priority",
                                            "capture",
                                            "capture_duration",
                                            "tags",
                                            "exceptions",
                                            "enabled",
                                            "warn_evttypes",
                                            "skip-if-unknown-filter"};

bool decl_has(const RuleDecl& d, const std::string& key) {
    if (key == "condition") return d.condition.has_value();
    if (key == "output") return d.output.has_value();
    if (key == "desc") return d.desc.has_value();
    if (key == "priority") return d.priority.has_value();
    if (key == "tags") return d.tags.has_value();
    if (key == "exceptions") return d.exceptions.has_value();
    if (key == "enabled") return d.enabled.has_value();
    if (key == "warn_evttypes") return d.warn_evttypes.has_value();
    if (key == "skip-if-unknown-filter") return d.skip_if_unknown_filter.has_value();
    if (key == "capture") return d.capture.has_value();
    if (key == "capture_duration") return d.capture_duration.has_value();
    return false;
}

void append_exceptions(RuleDef& r, std::vector<ExceptionDef>& more, const RuleDecl& d,
                       std::vector<Diagnostic>& warnings) {
    for (auto& e : more) {
        ExceptionDef* same = nullptr;
        for (auto& have : r.exceptions)
            if (have.name == e.name) same = &have;
        if (e.values.empty())
            warnings.push_back(make_diag(false, "LOAD_APPEND_NO_VALUES",
                                         "Overriding/appending exception with no values", e.loc,
                                         "rule", d.name));
        if (!same) {
            r.exceptions.push_back(std::move(e));
            continue;
        }
        if (!e.fields.empty() || e.comps_given)
            fail("LOAD_ERR_VALIDATE",
                 "Can not append exception fields or comps to existing exception '" + e.name +
                     "', only values",
                 e.loc, "rule", d.name);
        if (e.values.empty())
            warnings.push_back(make_diag(false, "LOAD_APPEND_NO_VALUES",
                                         "Overriding/appending exception with no values", e.loc,
                                         "rule", d.name));
        for (auto& row : e.values) same->values.push_back(std::move(row));
    }
}

void apply_replace(RuleDef& r, RuleDecl& d, const std::string& key) {
    if (key == "condition")
        r.condition = std::move(*d.condition);
    else if (key == "output")
        r.output = std::move(*d.output);
    else if (key == "desc")
        r.desc = *d.desc;
    else if (key == "priority")
        r.priority = *d.priority;
    else if (key == "tags")
        r.tags = *d.tags;
    else if (key == "exceptions")
        r.exceptions = std::move(*d.exceptions);
    else if (key == "enabled")
        r.enabled = *d.enabled;
    else if (key == "warn_evttypes")
        r.warn_evttypes = *d.warn_evttypes;
    else if (key == "skip-if-unknown-filter")
        r.skip_if_unknown_filter = *d.skip_if_unknown_filter;
    else if (key == "capture")
        r.capture = *d.capture;
    else if (key == "capture_duration")
        r.capture_duration = *d.capture_duration;
}

void apply_append(RuleDef& r, RuleDecl& d, const std::string& key,
                  std::vector<Diagnostic>& warnings) {
    if (key == "condition")
        r.condition.append(*d.condition);
    else if (key == "output")
        r.output.append(*d.output);
    else if (key == "desc")
        r.desc += " " + *d.desc;
    else if (key == "tags")
        r.tags.insert(d.tags->begin(), d.tags->end());
    else if (key == "exceptions")
        append_exceptions(r, *d.exceptions, d, warnings);
}

// Where a key of the item is, for diagnostics (the item itself when the key has no mark).
Location where_of(const RuleDecl& d, const std::string& key) {
    auto it = d.key_locs.find(key);
    return it == d.key_locs.end() ? d.loc : it->second;
}

void check_same_source(const RuleDef* prev, const RuleDecl& d) {
    if (prev && d.source && !d.source->empty() && *d.source != prev->source)
        fail("LOAD_ERR_VALIDATE", "Rule has been re-defined with a different source", d.loc, "rule",
             d.name);
}

// Falco's legacy `append: true`: the appendable keys are added to the earlier rule.
void append_to_rule(RuleDef* prev, RuleDecl& d, size_t index, std::vector<Diagnostic>& warnings) {
    warnings.push_back(
        make_diag(false, "LOAD_DEPRECATED_ITEM", kAppendDeprecated, d.loc, "rule", d.name));
    if (!prev)
        fail("LOAD_ERR_VALIDATE",
             "Rule uses 'append' or 'override.<key>: append' but no rule by that name "
             "already exists",
             d.loc, "rule", d.name);
    check_same_source(prev, d);
    // Falco's legacy append reads only the appendable keys; say so rather than ignore.
    for (const char* key :
         {"priority", "capture", "capture_duration", "warn_evttypes", "skip-if-unknown-filter"})
        if (decl_has(d, key))
            warnings.push_back(make_diag(false, "LOAD_UNKNOWN_KEY",
                                         std::string("Key '") + key +
                                             "' is ignored on an 'append: true' item; use "
                                             "'override: {" +
                                             key + ": replace}'",
                                         where_of(d, key), "rule", d.name));
    // `enabled` on an appending item is ignored, as Falco does.
    for (const auto& key : kAppendable)
        if (decl_has(d, key)) apply_append(*prev, d, key, warnings);
    prev->visibility = index;
}

// Every `override` entry names an operation its key allows and a key the item defines; every
// replaceable key the item defines has an entry.
void check_override_keys(const RuleDecl& d) {
    for (const auto& [key, op] : d.override_ops) {
        if (op != "append" && op != "replace")
            fail("LOAD_ERR_YAML_VALIDATE",
                 "Invalid override operation for key '" + key + "': '" + op +
                     "'. Allowed values are: append, replace",
                 where_of(d, "override"), "rule", d.name);
        if (op == "append" && !kAppendable.count(key))
            fail("LOAD_ERR_YAML_VALIDATE",
                 "Key '" + key + "' cannot be appended to, use 'replace' instead",
                 where_of(d, "override"), "rule", d.name);
        if (op == "replace" && !kReplaceable.count(key))
            fail("LOAD_ERR_YAML_VALIDATE", "Key '" + key + "' cannot be replaced",
                 where_of(d, "override"), "rule", d.name);
        if (!decl_has(d, key))
            fail("LOAD_ERR_YAML_VALIDATE",
                 "An " + op + " override for '" + key + "' was specified but '" + key +
                     "' is not defined",
                 where_of(d, "override"), "rule", d.name);
    }
    for (const auto& key : kReplaceable)
        if (decl_has(d, key) && !d.override_ops.count(key))
            fail(
                "LOAD_ERR_YAML_VALIDATE",
                "Unexpected key '" + key + "': no corresponding entry under 'override' is defined.",
                where_of(d, key), "rule", d.name);
}

void override_rule(RuleDef* prev, RuleDecl& d, std::vector<Diagnostic>& warnings) {
    check_override_keys(d);
    if (!prev) {
        bool any_append = false;
        for (const auto& [k, op] : d.override_ops) any_append |= op == "append";
        fail("LOAD_ERR_VALIDATE",
             any_append ? "Rule uses 'append' or 'override.<key>: append' but no rule by "
                          "that name already exists"
                        : "An replace to a rule was requested but no rule by that name "
                          "already exists",
             d.loc, "rule", d.name);
    }
    check_same_source(prev, d);
    for (const auto& [key, op] : d.override_ops) {
        if (op == "append")
            apply_append(*prev, d, key, warnings);
        else
            apply_replace(*prev, d, key);
    }
}

// An item with only `enabled` (Falco's deprecated standalone form).
void enable_rule(RuleDef* prev, const RuleDecl& d, std::vector<Diagnostic>& warnings) {
    if (!d.enabled)
        fail("LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'condition'", d.loc, "rule",
             d.name);
    if (!prev)
        fail("LOAD_ERR_VALIDATE", "Rule has 'enabled' key but no rule by that name already exists",
             d.loc, "rule", d.name);
    warnings.push_back(make_diag(
        false, "LOAD_DEPRECATED_ITEM",
        "The standalone 'enabled' key usage is deprecated. The correct approach requires also a "
        "'replace' entry under the 'override' key (i.e. 'enabled: replace').",
        d.loc, "rule", d.name));
    prev->enabled = *d.enabled;
}

// A full definition: every required key present.
RuleDef new_rule(RuleDecl& d, const RuleDef* prev, size_t index) {
    for (const char* key : {"condition", "output", "desc", "priority"})
        if (!decl_has(d, key))
            fail("LOAD_ERR_YAML_VALIDATE", std::string("Item has no mapping for key '") + key + "'",
                 d.loc, "rule", d.name);
    check_same_source(prev, d);
    RuleDef r;
    r.name = d.name;
    r.condition = std::move(*d.condition);
    r.output = std::move(*d.output);
    r.desc = *d.desc;
    r.priority = *d.priority;
    if (d.source && !d.source->empty()) r.source = *d.source;
    if (d.tags) r.tags = *d.tags;
    if (d.exceptions) r.exceptions = std::move(*d.exceptions);
    if (d.enabled) r.enabled = *d.enabled;
    if (d.warn_evttypes) r.warn_evttypes = *d.warn_evttypes;
    if (d.skip_if_unknown_filter) r.skip_if_unknown_filter = *d.skip_if_unknown_filter;
    if (d.capture) r.capture = *d.capture;
    if (d.capture_duration) r.capture_duration = *d.capture_duration;
    r.loc = d.loc;
    r.visibility = index;
    return r;
}

}  // namespace

void Collector::add_rule(RuleDecl d, std::vector<Diagnostic>& warnings) {
    size_t index = next_index();
    if (d.append && d.has_override)
        fail("LOAD_ERR_YAML_VALIDATE",
             "Keys 'override' and 'append: true' cannot be used together.", d.loc, "rule", d.name);
    RuleDef* prev = find_rule(d.name);
    if (d.append) return append_to_rule(prev, d, index, warnings);
    if (d.has_override) return override_rule(prev, d, warnings);
    if (!(d.condition || d.output || d.desc || d.priority)) return enable_rule(prev, d, warnings);
    RuleDef r = new_rule(d, prev, index);
    if (prev) {
        r.index = prev->index;
        *prev = std::move(r);
        return;
    }
    r.index = index;
    rule_ids_[r.name] = rules_.size();
    rules_.push_back(std::move(r));
}

void Collector::add_sequence(SequenceDef d) {
    for (auto& s : sequences_)
        if (s.name == d.name) {
            s = std::move(d);
            return;
        }
    sequences_.push_back(std::move(d));
}

}  // namespace sensor::rules
