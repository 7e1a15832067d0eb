// Compiles everything collected so far into a Ruleset: list substitution, macro resolution
// (visibility, loops), exceptions, condition and output compilation, event-type indexing, and
// the warnings Falco gives (unused macros/lists, too many event types, ...).
#include "rules_compiler.h"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

#include "condition_text.h"
#include "sensor/condition/parser.h"
#include "sensor/events/event_types.h"
#include "sensor/events/syscall_table.h"
#include "sensor/fields/registry.h"

namespace sensor::rules {
namespace {

namespace ast = condition::ast;

// The first field of a compiled condition that reads the event's fd (fields::reads_event_fd).
const fields::FieldDef* event_fd_field(const engine::FilterNode& n) {
    if (n.kind == engine::FilterNode::Kind::Macro) return event_fd_field(*n.target);
    for (const engine::FilterNode* k : n.kids)
        if (const fields::FieldDef* f = event_fd_field(*k)) return f;
    if (n.kind != engine::FilterNode::Kind::Check || !n.check->lhs->is_field()) return nullptr;
    const fields::FieldDef* d = n.check->lhs->field.def;
    return fields::reads_event_fd(*d) ? d : nullptr;
}

// The names of a rule's event types, for a message ("execve, fork").
std::string type_names(const std::vector<uint8_t>& types) {
    std::string out;
    for (size_t t = 0; t < types.size(); ++t) {
        if (!types[t]) continue;
        if (!out.empty()) out += ", ";
        out += events::event_type_name(static_cast<events::EventTypeId>(t));
    }
    return out;
}
using condition::parse_condition;
using condition::ParseError;

constexpr size_t kTooManyEventTypes = 100;
// Bound on a condition's nesting with macros expanded: real rules stay under 100, and the
// compiler and evaluator recurse this deep.
constexpr size_t kMaxExpandedDepth = 1000;

// Falco counts event codes, not names: a syscall has an enter and an exit code.
size_t ppm_code_count(const engine::EventTypeMask& m, fields::SourceId source) {
    size_t n = 0;
    for (size_t i = 0; i < m.size(); ++i)
        if (m[i])
            n += source == fields::kSyscallSource &&
                         events::is_syscall(static_cast<events::EventTypeId>(i))
                     ? 2
                     : 1;
    return n;
}

bool is_unsafe_na_field(const ast::Operand& op) {
    if (op.kind == ast::Operand::Kind::Field)
        return op.name.rfind("ka.", 0) == 0 || op.name.rfind("jevt.", 0) == 0;
    for (const auto& a : op.args)
        if (is_unsafe_na_field(a)) return true;
    return false;
}

bool is_equality_op(const std::string& op) {
    return op == "==" || op == "=" || op == "!=" || op == "in" || op == "intersects" ||
           op == "pmatch";
}

// A <NA> constant compared for equality with a ka.* or jevt.* field (Falco's
// filter_warning_resolver).
bool is_unsafe_na_check(const ast::Node& n) {
    if (n.kind != ast::Node::Kind::Binary || !n.modifier.empty() || !is_equality_op(n.op) ||
        !is_unsafe_na_field(n.lhs))
        return false;
    if (n.rhs.kind == ast::Rhs::Kind::Value) return n.rhs.value == "<NA>";
    if (n.rhs.kind == ast::Rhs::Kind::List)
        return std::find(n.rhs.items.begin(), n.rhs.items.end(), "<NA>") != n.rhs.items.end();
    return false;
}

// What Falco's filter_warning_resolver finds in a condition with its macros expanded.
struct ConditionFindings {
    bool unsafe_na = false;
    std::vector<bool> deprecated = std::vector<bool>(deprecated_field_names().size());
};

void find_deprecated(const ast::Operand& op, ConditionFindings& f) {
    if (op.kind == ast::Operand::Kind::Field) {
        const auto& names = deprecated_field_names();
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i] == op.name) f.deprecated[i] = true;
    }
    for (const auto& a : op.args) find_deprecated(a, f);
}

struct ParsedMacro {
    ast::NodePtr ast;
    std::string text;  // after list substitution
    bool validated = false;
    size_t depth = 0;  // nesting depth with macros expanded
};

class RulesCompiler {
  public:
    RulesCompiler(Collector& c, const LoadOptions& o, std::vector<Diagnostic>& w)
        : col_(c), opts_(o), warnings_(w) {}

    std::shared_ptr<engine::Ruleset> run() {
        for (auto& l : col_.lists()) l.used = false;
        for (auto& m : col_.macros()) m.used = false;
        expand_nested_lists(col_.lists(), expanded_);
        rs_ = std::make_shared<engine::Ruleset>();
        rs_->match_all = opts_.match_all;
        compiled_macros_.assign(fields::sources().size(), {});

        parsed_.resize(col_.macros().size());
        for (size_t i = 0; i < col_.macros().size(); ++i) parse_macro(i);
        for (size_t i = 0; i < col_.macros().size(); ++i) {
            const MacroDef& m = col_.macros()[i];
            if (parsed_[i].validated) continue;
            std::vector<std::string> stack{m.name};
            parsed_[i].depth = validate_refs(*parsed_[i].ast, m.visibility, stack, "macro", m.name,
                                             m.condition, parsed_[i].text);
            parsed_[i].validated = true;
        }
        for (auto& r : col_.rules()) compile_rule(r);
        for (const auto& sq : col_.sequences()) compile_sequence(sq);
        for (const auto& m : col_.macros())
            if (!m.used)
                warnings_.push_back(make_diag(false, "LOAD_UNUSED_MACRO",
                                              "Macro not referred to by any other rule/macro",
                                              m.loc, "macro", m.name));
        for (const auto& l : col_.lists())
            if (!l.used)
                warnings_.push_back(make_diag(false, "LOAD_UNUSED_LIST",
                                              "List not referred to by any other rule/macro", l.loc,
                                              "list", l.name));
        rs_->build_index();
        return rs_;
    }

  private:
    Collector& col_;
    const LoadOptions& opts_;
    std::vector<Diagnostic>& warnings_;
    std::set<const fields::FieldDef*> unavailable_warned_;  // always-empty fields warned about
    std::vector<std::vector<std::string>> expanded_;
    std::vector<ParsedMacro> parsed_;
    std::shared_ptr<engine::Ruleset> rs_;
    // Per source: a macro is compiled once for each source whose rules use it, with that
    // source's fields.
    std::vector<std::unordered_map<std::string, engine::FilterNode*>> compiled_macros_;

    std::string substitute_lists(std::string text) {
        auto& lists = col_.lists();
        for (size_t i = 0; i < lists.size(); ++i)
            if (substitute_list(text, lists[i].name, expanded_[i])) lists[i].used = true;
        return text;
    }

    // Maps an offset in the substituted text back to the author's text: the same token is
    // looked up in the original; the original's own parse error position wins for syntax.
    static Location locate_token(const LocatedText& original, const std::string& substituted,
                                 uint32_t offset) {
        if (offset < substituted.size()) {
            size_t end = substituted.find_first_of(" \t\r\n(),=", offset);
            std::string token = substituted.substr(
                offset, end == std::string::npos ? std::string::npos : end - offset);
            if (token.empty() && offset < substituted.size()) token = substituted.substr(offset, 1);
            size_t at = token.empty() ? std::string::npos : original.text.find(token);
            if (at != std::string::npos) return original.locate(at);
        }
        return original.locate(0);
    }

    static Location locate_parse_error(const LocatedText& original, uint32_t offset,
                                       bool substituted_differs) {
        if (!substituted_differs) return original.locate(offset);
        try {
            parse_condition(original.text);
        } catch (const ParseError& e) {
            return original.locate(e.offset());
        }
        return original.locate(0);
    }

    ast::NodePtr parse_located(const LocatedText& cond, const std::string& text,
                               const std::string& kind, const std::string& name) {
        try {
            return parse_condition(text);
        } catch (const ParseError& e) {
            Location loc = locate_parse_error(cond, e.offset(), text != cond.text);
            throw LoadError(
                make_diag(true, "LOAD_ERR_COMPILE_CONDITION", e.what(), loc, kind, name));
        }
    }

    void parse_macro(size_t i) {
        const MacroDef& m = col_.macros()[i];
        parsed_[i].text = substitute_lists(m.condition.text);
        parsed_[i].ast = parse_located(m.condition, parsed_[i].text, "macro", m.name);
    }

    size_t macro_index(const std::string& name) {
        const MacroDef* m = col_.find_macro(name);
        return m ? static_cast<size_t>(m - col_.macros().data()) : SIZE_MAX;
    }

    // Checks that every macro referenced is defined (and visible) and that there are no loops;
    // marks referenced macros used. Returns the depth of the subtree with macros expanded,
    // which is bounded so that compiling and evaluating cannot exhaust the stack.
    size_t validate_refs(const ast::Node& n, size_t limit, std::vector<std::string>& stack,
                         const std::string& kind, const std::string& name, const LocatedText& cond,
                         const std::string& text) {
        if (n.kind != ast::Node::Kind::Macro) {
            size_t d = 0;
            for (const auto& c : n.children)
                d = std::max(d, validate_refs(*c, limit, stack, kind, name, cond, text));
            return d + 1;
        }
        auto fail = [&](const std::string& msg) {
            throw LoadError(make_diag(true, "LOAD_ERR_VALIDATE", msg,
                                      locate_token(cond, text, n.pos.offset), kind, name));
        };
        size_t idx = macro_index(n.name);
        if (idx == SIZE_MAX || col_.macros()[idx].index >= limit)
            fail("Undefined macro '" + n.name + "' used in filter.");
        if (std::find(stack.begin(), stack.end(), n.name) != stack.end())
            fail("reference loop in macro '" + n.name + "'");
        MacroDef& m = col_.macros()[idx];
        m.used = true;
        if (!parsed_[idx].validated) {
            if (stack.size() >= kMaxExpandedDepth)
                fail("macros are nested more than " + std::to_string(kMaxExpandedDepth) +
                     " levels deep");
            stack.push_back(m.name);
            parsed_[idx].depth = validate_refs(*parsed_[idx].ast, m.visibility, stack, "macro",
                                               m.name, m.condition, parsed_[idx].text);
            stack.pop_back();
            parsed_[idx].validated = true;
        }
        size_t d = parsed_[idx].depth + 1;
        if (d > kMaxExpandedDepth)
            fail("condition is nested more than " + std::to_string(kMaxExpandedDepth) +
                 " levels deep once macro '" + n.name + "' is expanded");
        return d;
    }

    void find_condition_issues(const ast::Node& n, ConditionFindings& f) {
        if (n.kind == ast::Node::Kind::Macro) {
            size_t idx = macro_index(n.name);
            if (idx != SIZE_MAX) find_condition_issues(*parsed_[idx].ast, f);
            return;
        }
        for (const auto& c : n.children) find_condition_issues(*c, f);
        if (n.kind == ast::Node::Kind::Unary || n.kind == ast::Node::Kind::Binary)
            find_deprecated(n.lhs, f);
        f.unsafe_na |= is_unsafe_na_check(n);
    }

    // Falco's resolver warnings for a rule: one <NA> warning, one per deprecated field.
    void add_condition_findings(const ast::Node& tree, const LocatedText& cond,
                                const std::string& name) {
        ConditionFindings f;
        find_condition_issues(tree, f);
        if (f.unsafe_na)
            warnings_.push_back(
                make_diag(false, "LOAD_UNSAFE_NA_CHECK", "", cond.locate(0), "rule", name));
        const auto& names = deprecated_field_names();
        for (size_t i = 0; i < names.size(); ++i) {
            if (!f.deprecated[i]) continue;
            size_t at = cond.text.find(names[i]);
            Diagnostic d = make_diag(false, "LOAD_DEPRECATED_ITEM",
                                     std::string(deprecated_field_reason(names[i])),
                                     cond.locate(at == std::string::npos ? 0 : at), "rule", name);
            d.deprecated_field = std::string(names[i]);
            warnings_.push_back(std::move(d));
        }
    }

    // A syscall rule whose condition reads the event's fd (fd.*) although its event types all
    // act on none (events::acts_on_fd, from the syscall table): the check can never hold. An
    // output field prints <NA>, as in Falco (upstream rules print fd.name for execs), and is
    // not warned about.
    void add_unfillable_warning(const engine::CompiledRule& out, const RuleDef& r) {
        if (out.source != fields::kSyscallSource || out.type_count == 0) return;
        for (size_t t = 0; t < out.types.size(); ++t)
            if (out.types[t] && events::acts_on_fd(static_cast<events::EventTypeId>(t))) return;
        const fields::FieldDef* f = event_fd_field(*out.filter);
        if (!f) return;
        size_t at = r.condition.text.find(f->name);
        warnings_.push_back(make_diag(
            false, "LOAD_UNFILLABLE_FIELD",
            "field '" + std::string(f->name) + "' can never be filled: the rule's event types (" +
                type_names(out.types) + ") act on no file descriptor",
            r.condition.locate(at == std::string::npos ? 0 : at), "rule", r.name));
    }

    // Falco looks for the deprecated names anywhere in the output text.
    void add_output_deprecations(const std::string& output, const RuleDef& r) {
        for (std::string_view f : deprecated_field_names()) {
            size_t at = output.find(f);
            if (at == std::string::npos) continue;
            Diagnostic d =
                make_diag(false, "LOAD_DEPRECATED_ITEM",
                          "usage of deprecated field '" + std::string(f) +
                              "' has been detected in the rule output",
                          r.output.locate(at < r.output.text.size() ? at : 0), "rule", r.name);
            d.deprecated_field = std::string(f);
            warnings_.push_back(std::move(d));
        }
    }

    void add_compile_warnings(const std::vector<engine::CompileWarning>& ws,
                              const LocatedText& cond, const std::string& text,
                              const std::string& kind, const std::string& name) {
        for (const auto& w : ws) {
            if (w.unavailable && !unavailable_warned_.insert(w.unavailable).second) continue;
            warnings_.push_back(make_diag(false, "LOAD_COMPILE_CONDITION", w.message,
                                          locate_token(cond, text, w.offset), kind, name));
        }
    }

    const engine::FilterNode* compile_macro(const std::string& name, const std::string& rule,
                                            fields::SourceId source) {
        auto& compiled = compiled_macros_[source];
        auto it = compiled.find(name);
        if (it != compiled.end()) return it->second;
        size_t idx = macro_index(name);
        const MacroDef& m = col_.macros()[idx];
        // The reference node exists before the body so recursive shapes cannot loop (loops were
        // rejected by validate_refs already).
        engine::FilterNode* ref = rs_->arena.make();
        ref->kind = engine::FilterNode::Kind::Macro;
        ref->fn = engine::macro_fn();
        ref->slot = rs_->arena.memo_slots++;
        ref->macro_name = name;
        compiled[name] = ref;
        std::vector<engine::CompileWarning> ws;
        engine::FilterBuilder b(
            rs_->arena,
            [&](const std::string& n, uint32_t) { return compile_macro(n, rule, source); }, source);
        try {
            ref->target = b.build(*parsed_[idx].ast, ws);
        } catch (const engine::CompileError& e) {
            compiled.erase(name);
            throw LoadError(make_diag(
                true, "LOAD_ERR_COMPILE_CONDITION",
                std::string(e.what()) + " (macro used by rule '" + rule + "')",
                locate_token(m.condition, parsed_[idx].text, e.offset()), "macro", m.name));
        } catch (...) {
            // A nested macro failed: never leave a half-built body for the next rule.
            compiled.erase(name);
            throw;
        }
        add_compile_warnings(ws, m.condition, parsed_[idx].text, "macro", m.name);
        return ref;
    }

    static bool is_unknown_filter_error(const std::string& msg) {
        for (const char* s : {"nonexistent field", "invalid formatting token", "unknown event type",
                              "unknown filter:"})
            if (msg.find(s) != std::string::npos) return true;
        return false;
    }

    void compile_rule(RuleDef& r) {
        const fields::EventSource* source = fields::find_source(r.source);
        if (!source) {
            warnings_.push_back(make_diag(false, "LOAD_UNKNOWN_SOURCE",
                                          "Unknown source " + r.source + ", skipping", r.loc,
                                          "rule", r.name));
            return;
        }
        try {
            rs_->rules.push_back(compile_rule_checked(r, source->id()));
        } catch (LoadError& e) {
            if (r.skip_if_unknown_filter && is_unknown_filter_error(e.diag.message)) {
                e.diag.error = false;
                e.diag.code = "LOAD_UNKNOWN_FILTER";
                if (e.diag.item_kind != "rule" || e.diag.item_name != r.name)
                    e.diag.message += " (in " + e.diag.item_kind + " '" + e.diag.item_name + "')";
                e.diag.message = "Rule skipped: " + e.diag.message;
                e.diag.item_kind = "rule";
                e.diag.item_name = r.name;
                warnings_.push_back(e.diag);
                return;
            }
            throw;
        }
    }

    // Falco's append_output match: every condition given holds (all tags on the rule).
    static bool append_applies(const LoadOptions::AppendOutput& a, const RuleDef& r) {
        if (!a.source.empty() && a.source != r.source) return false;
        if (!a.rule.empty() && a.rule != r.name) return false;
        for (const auto& tag : a.tags)
            if (!r.tags.count(tag)) return false;
        return true;
    }

    // append_output's extra_fields and the static_fields, compiled into the rule's output.
    void add_appended_fields(engine::OutputTemplate& t, const RuleDef& r,
                             fields::SourceId source) const {
        for (const auto& a : opts_.append_output) {
            if (!append_applies(a, r)) continue;
            engine::add_json_only_fields(t, a.raw_fields, source);
            for (const auto& [name, format] : a.formatted_fields)
                engine::add_formatted_field(t, name, format, source);
        }
        for (const auto& [name, value] : opts_.static_fields)
            engine::add_constant_field(t, name, value);
    }

    engine::CompiledRule compile_rule_checked(RuleDef& r, fields::SourceId source) {
        LocatedText cond;
        std::string exc = exceptions_condition(r);
        if (exc.empty()) {
            cond = r.condition;
        } else {
            cond.text = "(";
            for (const auto& p : r.condition.pieces) cond.pieces.push_back({p.start + 1, p.loc});
            cond.text += r.condition.text + ")";
            cond.pieces.push_back(
                {cond.text.size(), r.exceptions.empty() ? r.loc : r.exceptions.front().loc});
            cond.text += exc;
        }
        std::string text = substitute_lists(cond.text);
        ast::NodePtr tree = parse_located(cond, text, "rule", r.name);
        std::vector<std::string> stack;
        validate_refs(*tree, SIZE_MAX, stack, "rule", r.name, cond, text);
        add_condition_findings(*tree, cond, r.name);

        engine::CompiledRule out;
        out.name = r.name;
        out.desc = r.desc;
        out.source = source;
        out.priority = r.priority;
        out.tags.assign(r.tags.begin(), r.tags.end());
        out.condition = text;
        out.capture = r.capture;
        out.capture_duration_ms = r.capture_duration;
        std::vector<engine::CompileWarning> ws;
        engine::FilterBuilder b(
            rs_->arena,
            [&](const std::string& n, uint32_t) { return compile_macro(n, r.name, source); },
            source);
        try {
            out.filter = b.build(*tree, ws);
        } catch (const engine::CompileError& e) {
            throw LoadError(make_diag(true, "LOAD_ERR_COMPILE_CONDITION", e.what(),
                                      locate_token(cond, text, e.offset()), "rule", r.name));
        }
        add_compile_warnings(ws, cond, text, "rule", r.name);
        out.types = engine::event_types_of(*out.filter, source);
        out.type_count = engine::count_types(out.types);
        // Falco checks syscall rules only: none or too many event codes.
        const size_t codes = ppm_code_count(out.types, source);
        if (r.warn_evttypes && source == fields::kSyscallSource &&
            (codes == 0 || codes > kTooManyEventTypes))
            warnings_.push_back(make_diag(
                false, "LOAD_NO_EVTTYPE",
                "Rule matches too many evt.type values. This has a significant performance "
                "penalty.",
                r.condition.locate(0), "rule", r.name));

        out.output_format = r.output.text;
        // The suggested container and pod fields are syscall fields.
        if (!opts_.extra_output.empty() && source == fields::kSyscallSource)
            out.output_format += " " + opts_.extra_output;
        for (const auto& a : opts_.append_output)
            if (append_applies(a, r) && !a.extra_output.empty())
                out.output_format += " " + a.extra_output;
        try {
            out.output = engine::compile_output(out.output_format, source);
            out.output.bytes_base64 = opts_.buffer_format_base64;
            if (source == fields::kSyscallSource)
                engine::add_json_only_fields(out.output, opts_.extra_fields, source);
            add_appended_fields(out.output, r, source);
        } catch (const std::exception& e) {
            Location loc = r.output.locate(0);
            std::string msg = e.what();
            auto pct = msg.find('%');
            if (pct != std::string::npos) {
                std::string tok = msg.substr(pct);
                tok = tok.substr(0, tok.find_first_of(" :"));
                size_t at = r.output.text.find(tok);
                if (at != std::string::npos) loc = r.output.locate(at);
            }
            throw LoadError(make_diag(true, "LOAD_ERR_COMPILE_OUTPUT", msg, loc, "rule", r.name));
        }
        for (const auto& tok : out.output.tokens)
            if (tok.operand && tok.operand->is_field() && tok.operand->field.def->unavailable &&
                unavailable_warned_.insert(tok.operand->field.def).second)
                warnings_.push_back(make_diag(
                    false, "LOAD_COMPILE_CONDITION",
                    engine::unavailable_field_warning(*tok.operand->field.def) + " (in the output)",
                    r.output.locate(0), "rule", r.name));
        if (out.output.used_container_info)
            warnings_.push_back(make_diag(
                false, "LOAD_DEPRECATED_ITEM",
                "%container.info is deprecated and no more useful, and will be dropped by Falco "
                "1.0.0. The container plugin will automatically add required fields to the "
                "output message.",
                r.output.locate(0), "rule", r.name));
        add_output_deprecations(out.output_format, r);
        add_unfillable_warning(out, r);
        out.enabled = r.enabled && r.priority <= opts_.min_priority;
        // Position is the first definition's: keep the collector's order.
        return out;
    }

    // --- sequences

    Diagnostic sequence_error(const SequenceDef& s, const std::string& msg, const Location& loc,
                              const char* code = "LOAD_ERR_VALIDATE") {
        return make_diag(true, code, msg, loc, "sequence", s.name);
    }

    // One field of a step (by or output), compiled for `source`; nullopt when the source has
    // no such field (error says why).
    std::shared_ptr<const engine::OutputTemplate> compile_step_field(const std::string& name,
                                                                     fields::SourceId source,
                                                                     std::string& error) {
        try {
            auto t = std::make_shared<engine::OutputTemplate>(
                engine::compile_output("%" + name, source));
            if (t->tokens.empty() || !t->tokens[0].operand) return nullptr;
            return t;
        } catch (const std::exception& e) {
            error = e.what();
            return nullptr;
        }
    }

    void compile_sequence_step(const SequenceDef& s, size_t i, engine::CompiledSequence& out) {
        const SequenceStepDecl& d = s.steps[i];
        engine::SequenceStep st;
        st.is_rule = !d.rule.empty();
        if (st.is_rule) {
            st.rule = d.rule;
            if (const RuleDef* r = col_.find_rule(d.rule)) {
                if (const fields::EventSource* src = fields::find_source(r->source)) {
                    st.rule_loaded = true;
                    st.source = src->id();
                }
            } else {
                warnings_.push_back(make_diag(
                    false, "LOAD_UNKNOWN_SEQUENCE_RULE",
                    "Step " + std::to_string(i + 1) + " names rule '" + d.rule +
                        "', which is not loaded here: it matches alerts received from other "
                        "sensors",
                    d.loc, "sequence", s.name));
            }
        } else {
            const fields::EventSource* src = fields::find_source(d.source);
            if (!src) throw LoadError(sequence_error(s, "Unknown source " + d.source, d.loc));
            st.source = src->id();
            RuleDef r;
            r.name = s.name + " (step " + std::to_string(i + 1) + ")";
            r.condition = *d.condition;
            r.source = d.source;
            r.priority = s.priority;
            r.warn_evttypes = false;
            r.loc = d.loc;
            engine::CompiledRule cr = compile_rule_checked(r, st.source);
            cr.enabled = s.enabled;
            st.step_rule = static_cast<uint32_t>(rs_->step_rules.size());
            rs_->step_rules.push_back(std::move(cr));
        }
        for (const std::string& f : d.by) {
            std::string err;
            engine::StepField sf{f, nullptr};
            if (!st.is_rule || st.rule_loaded) {
                sf.op = compile_step_field(f, st.source, err);
                if (!sf.op)
                    throw LoadError(sequence_error(
                        s, "Step " + std::to_string(i + 1) + ": 'by' field " + f + ": " + err,
                        d.loc, "LOAD_ERR_COMPILE_CONDITION"));
            }
            st.by.push_back(std::move(sf));
        }
        out.steps.push_back(std::move(st));
    }

    // Each %field of the output comes from the first step that can provide it: a step whose
    // source has the field, else the first rule step (from its alert's output_fields).
    void compile_sequence_output(const SequenceDef& s, engine::CompiledSequence& out) {
        out.output_pieces = engine::split_sequence_output(s.output.text);
        for (const engine::OutputPiece& piece : out.output_pieces) {
            const std::string& name = piece.field;
            if (name.empty() || std::find(out.output_fields.begin(), out.output_fields.end(),
                                          name) != out.output_fields.end())
                continue;
            out.output_fields.push_back(name);
            bool provided = false;
            for (auto& st : out.steps) {
                if (st.is_rule && !st.rule_loaded) continue;
                std::string err;
                if (auto op = compile_step_field(name, st.source, err)) {
                    st.captures.push_back({name, op});
                    provided = true;
                    break;
                }
            }
            if (provided) continue;
            // Received alerts: any rule step's alert may carry it in its output_fields.
            for (auto& st : out.steps)
                if (st.is_rule && !st.rule_loaded) {
                    st.captures.push_back({name, nullptr});
                    provided = true;
                }
            if (!provided)
                throw LoadError(
                    sequence_error(s, "Output field " + name + " is a field of no step's source",
                                   s.output.locate(piece.offset), "LOAD_ERR_COMPILE_OUTPUT"));
        }
    }

    void compile_sequence(const SequenceDef& s) {
        engine::CompiledSequence out;
        out.name = s.name;
        out.desc = s.desc;
        if (!engine::parse_duration(s.within, out.within_ns))
            throw LoadError(
                sequence_error(s,
                               "Value of 'within' must be a duration such as 90s, 30m or 1h30m: '" +
                                   s.within + "'",
                               s.within_loc, "LOAD_ERR_YAML_VALIDATE"));
        const size_t keys = s.steps.front().by.size();
        for (size_t i = 0; i < s.steps.size(); ++i)
            if (s.steps[i].by.size() != keys)
                throw LoadError(sequence_error(
                    s,
                    "Step " + std::to_string(i + 1) + " has " +
                        std::to_string(s.steps[i].by.size()) + " 'by' fields, step 1 has " +
                        std::to_string(keys) + ": every step joins on as many values",
                    s.steps[i].loc));
        for (size_t i = 0; i < s.steps.size(); ++i) compile_sequence_step(s, i, out);
        compile_sequence_output(s, out);
        out.output_format = s.output.text;
        out.priority = s.priority;
        out.tags.assign(s.tags.begin(), s.tags.end());
        out.enabled = s.enabled && s.priority <= opts_.min_priority;
        rs_->sequences.push_back(std::move(out));
    }
};

}  // namespace

std::shared_ptr<engine::Ruleset> compile_rules(Collector& collector, const LoadOptions& opts,
                                               std::vector<Diagnostic>& warnings) {
    RulesCompiler c(collector, opts, warnings);
    return c.run();
}

}  // namespace sensor::rules
