// Condition compilation: resolves fields, parses constants in the field's type, validates
// operator/type pairs as Falco does, and emits Falco's compile warnings.
#include "sensor/engine/filter_builder.h"

#include <re2/re2.h>

#include <cctype>
#include <charconv>

#include "sensor/condition/parser.h"
#include "sensor/fields/event_source.h"

namespace sensor::engine {
namespace {

using fields::FieldType;
namespace ast = condition::ast;

CmpOp parse_op(const std::string& op) {
    static const std::pair<std::string_view, CmpOp> ops[] = {{"=", CmpOp::Eq},
                                                             {"==", CmpOp::Eq},
                                                             {"!=", CmpOp::Ne},
                                                             {"<", CmpOp::Lt},
                                                             {"<=", CmpOp::Le},
                                                             {">", CmpOp::Gt},
                                                             {">=", CmpOp::Ge},
                                                             {"contains", CmpOp::Contains},
                                                             {"icontains", CmpOp::IContains},
                                                             {"bcontains", CmpOp::BContains},
                                                             {"startswith", CmpOp::StartsWith},
                                                             {"bstartswith", CmpOp::BStartsWith},
                                                             {"endswith", CmpOp::EndsWith},
                                                             {"glob", CmpOp::Glob},
                                                             {"iglob", CmpOp::IGlob},
                                                             {"regex", CmpOp::Regex},
                                                             {"in", CmpOp::In},
                                                             {"intersects", CmpOp::Intersects},
                                                             {"pmatch", CmpOp::PMatch},
                                                             {"exists", CmpOp::Exists}};
    for (const auto& [name, value] : ops)
        if (name == op) return value;
    throw std::runtime_error("unknown operator " + op);
}

Modifier parse_modifier(const std::string& m) {
    if (m == "oneof") return Modifier::OneOf;
    if (m == "anyof") return Modifier::AnyOf;
    if (m == "allof") return Modifier::AllOf;
    return Modifier::None;
}

bool op_allowed(FieldType t, CmpOp op, bool list_valued) {
    if (op == CmpOp::Exists) return true;
    if (list_valued) return op == CmpOp::In || op == CmpOp::Intersects;
    switch (t) {
        case FieldType::Int64:
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
        case FieldType::Double:
            return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::Lt || op == CmpOp::Le ||
                   op == CmpOp::Gt || op == CmpOp::Ge || op == CmpOp::In || op == CmpOp::Intersects;
        case FieldType::Bool:
        case FieldType::Ip:
        case FieldType::Net:
            return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::In || op == CmpOp::Intersects;
        case FieldType::String:
        case FieldType::Path:
            return op != CmpOp::BContains && op != CmpOp::BStartsWith;
        case FieldType::Bytes:
            return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::Contains || op == CmpOp::In ||
                   op == CmpOp::StartsWith || op == CmpOp::EndsWith || op == CmpOp::Intersects ||
                   op == CmpOp::BContains || op == CmpOp::BStartsWith;
    }
    return false;
}

enum class Family { Text, Signed, Unsigned, Float, Bool, Addr };
Family family(FieldType t) {
    switch (t) {
        case FieldType::String:
        case FieldType::Path:
        case FieldType::Bytes:
            return Family::Text;
        case FieldType::Int64:
            return Family::Signed;
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
            return Family::Unsigned;
        case FieldType::Double:
            return Family::Float;
        case FieldType::Bool:
            return Family::Bool;
        case FieldType::Ip:
        case FieldType::Net:
            return Family::Addr;
    }
    return Family::Text;
}

bool parse_int(std::string_view s, int64_t& out) {
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return false;
    if (v > static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0)) return false;
    out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return true;
}

bool parse_uint(std::string_view s, uint64_t& out) {
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool unhex(std::string_view s, std::string& out) {
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (s.size() % 2) return false;
    out.clear();
    for (size_t i = 0; i < s.size(); i += 2) {
        int h = nib(s[i]), l = nib(s[i + 1]);
        if (h < 0 || l < 0) return false;
        out += static_cast<char>(h * 16 + l);
    }
    return true;
}

// Falco warns when a constant looks like something the author meant to evaluate: a field
// (forgetting val()) or a transformer call. Blanks are removed first, as libs does.
void warn_suspicious_value(const std::string& v, uint32_t offset, fields::SourceId source,
                           std::vector<CompileWarning>& warnings) {
    std::string nospaces;
    for (char c : v)
        if (!std::isspace(static_cast<unsigned char>(c))) nospaces += c;
    ast::Operand parsed;
    size_t used = condition::parse_output_operand(nospaces, parsed);
    if (used != 0 && used == nospaces.size() && parsed.kind == ast::Operand::Kind::Field) {
        try {
            compile_operand(parsed, source);
            warnings.push_back(
                {"'" + v + "' may be a valid field misused as a const string value", offset});
        } catch (const std::exception&) {
        }
    }
    for (std::string_view t : condition::transformer_names(/*include_val=*/true)) {
        if (nospaces.size() >= t.size() + 2 && nospaces.compare(0, t.size(), t) == 0 &&
            nospaces[t.size()] == '(' && nospaces.back() == ')')
            warnings.push_back(
                {"'" + v + "' may be a valid field transformer misused as a const string value",
                 offset});
    }
}

// libs' heuristic: a regex whose only special characters are the anchors it implies anyway
// and a leading or trailing `.*`, `.+` or `.?` could use a cheaper operator.
void warn_regex(const std::string& v, uint32_t offset, std::vector<CompileWarning>& warnings) {
    static constexpr std::string_view special = ".+*?^$()[]{}|\\";
    static constexpr std::string_view occurrence = "+*?";
    const size_t len = v.size();
    for (size_t i = 0; i < len; ++i) {
        if ((i == 0 && v[i] == '^') || (i == len - 1 && v[i] == '$')) continue;
        if (((i == 0 && len > 1) || i + 2 == len) && v[i] == '.' &&
            occurrence.find(v[i + 1]) != std::string_view::npos) {
            ++i;
            continue;
        }
        if (special.find(v[i]) != std::string_view::npos) return;
    }
    warnings.push_back({"regex check with '" + v +
                            "' may be optimized with simpler operators such as '=', 'contains', "
                            "'startswith', 'endswith'",
                        offset});
}

void set_constants(Check& k, const std::vector<std::string>& values, const ast::Node& n,
                   fields::SourceId source, std::vector<CompileWarning>& warnings) {
    uint32_t off = n.rhs.pos.offset;
    const std::string& fname = k.lhs->text;
    auto bad = [&](const std::string& v, const char* what) {
        throw CompileError(
            "invalid " + std::string(what) + " value '" + v + "' for '" + fname + "'", off);
    };
    for (const auto& v : values) warn_suspicious_value(v, off, source, warnings);
    switch (k.type) {
        case FieldType::String:
        case FieldType::Path:
        case FieldType::Bytes:
            for (const auto& v : values) {
                if (k.op == CmpOp::BContains || k.op == CmpOp::BStartsWith) {
                    std::string raw;
                    if (!unhex(v, raw))
                        throw CompileError(
                            "bcontains and bstartswith operator support hex strings only", off);
                    k.strs.push_back(std::move(raw));
                } else {
                    k.strs.push_back(v);
                }
            }
            break;
        case FieldType::Int64:
            for (const auto& v : values) {
                int64_t x;
                if (!parse_int(v, x)) bad(v, "numeric");
                k.i64s.push_back(x);
            }
            break;
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
            for (const auto& v : values) {
                uint64_t x;
                if (!parse_uint(v, x)) bad(v, "unsigned numeric");
                k.u64s.push_back(x);
            }
            break;
        case FieldType::Double:
            for (const auto& v : values) {
                double x = 0;
                auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
                if (ec != std::errc() || end != v.data() + v.size()) bad(v, "numeric");
                k.f64s.push_back(x);
            }
            break;
        case FieldType::Bool:
            for (const auto& v : values) {
                if (v == "true" || v == "1")
                    k.bools.push_back(true);
                else if (v == "false" || v == "0")
                    k.bools.push_back(false);
                else
                    bad(v, "boolean");
            }
            break;
        case FieldType::Ip: {
            bool any_net = false;
            for (const auto& v : values) any_net |= v.find('/') != std::string::npos;
            for (const auto& v : values) {
                if (any_net) {
                    auto net = fields::IpNet::parse(v);
                    if (!net) bad(v, "IP network");
                    k.nets.push_back(*net);
                } else {
                    auto ip = fields::IpAddr::parse(v);
                    if (!ip) bad(v, "IP address");
                    k.ips.push_back(*ip);
                }
            }
            break;
        }
        case FieldType::Net:
            for (const auto& v : values) {
                auto net = fields::IpNet::parse(v);
                if (!net) bad(v, "IP network");
                k.nets.push_back(*net);
            }
            break;
    }
    const bool stringy = fields::is_stringy(k.type) || k.type == FieldType::Bytes;
    if (!stringy) return;
    if (k.op == CmpOp::IContains || k.op == CmpOp::IGlob) {
        for (const auto& s : k.strs) {
            std::string l = s;
            for (char& c : l)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            k.lowered.push_back(std::move(l));
        }
    }
    if (k.op == CmpOp::In || k.op == CmpOp::Intersects ||
        (k.op == CmpOp::Eq && k.mod == Modifier::AnyOf) ||
        (k.op == CmpOp::Ne && k.mod == Modifier::AllOf)) {
        for (const auto& s : k.strs) k.set.insert(s);
    }
    if (k.op == CmpOp::PMatch)
        for (const auto& s : k.strs) k.paths.add(s);
    if (k.op == CmpOp::StartsWith && k.mod != Modifier::None)
        for (const auto& s : k.strs) k.prefixes.add(s);
    if (k.op == CmpOp::Regex) {
        for (const auto& s : k.strs) {
            warn_regex(s, off, warnings);
            RE2::Options opts;
            opts.set_log_errors(false);
            opts.set_posix_syntax(true);
            auto re = std::make_unique<RE2>(s, opts);
            if (!re->ok()) throw CompileError("invalid regex pattern: " + re->error(), off);
            k.regexes.push_back(std::move(re));
        }
    }
}

// The types of the check's source: an evt.type check's set has one entry per type of its source.
void compile_evt_type(Check& k, const std::vector<std::string>& values, uint32_t off,
                      const fields::EventSource& source) {
    k.syscall_only = k.lhs->field.def->name == "syscall.type";
    k.type_mask.assign(source.event_type_count(), 0);
    for (const auto& v : values) {
        auto id = source.event_type_id(v);
        if (!id) throw CompileError("unknown event type " + v, off);
        k.type_mask[*id] = 1;
    }
    k.evt_type = true;
}

}  // namespace

std::string unavailable_field_warning(const fields::FieldDef& d) {
    return "field '" + std::string(d.name) + "' is not filled live here: " + d.unavailable;
}

std::unique_ptr<Check> compile_check(const ast::Node& n, std::vector<CompileWarning>& warnings,
                                     fields::SourceId source) {
    const fields::EventSource& src = fields::source(source);
    auto k = std::make_unique<Check>();
    try {
        k->lhs = compile_operand(n.lhs, source);
    } catch (const std::runtime_error& e) {
        throw CompileError(e.what(), n.lhs.pos.offset);
    }
    if (const fields::FieldDef* d = k->lhs->field.def; d && d->unavailable)
        warnings.push_back({unavailable_field_warning(*d), n.lhs.pos.offset, d});
    k->op = parse_op(n.op);
    k->mod = parse_modifier(n.modifier);
    k->type = k->lhs->type;
    // Only a bare evt.type is indexed; under a transformer it is an ordinary string field.
    const bool evt_type_lhs = n.lhs.kind == ast::Operand::Kind::Field &&
                              (n.lhs.name == "evt.type" || n.lhs.name == "syscall.type");
    if (!op_allowed(k->type, k->op, k->lhs->list))
        throw CompileError("operator '" + n.op + "' is not supported by field '" + k->lhs->text +
                               "' of type " + std::string(fields::field_type_name(k->type)),
                           n.pos.offset);
    if (k->mod != Modifier::None && (k->type == FieldType::Ip || k->type == FieldType::Net) &&
        k->op != CmpOp::Eq && k->op != CmpOp::Ne)
        throw CompileError("modifier '" + n.modifier + "' is not supported with operator '" + n.op +
                               "' on address fields",
                           n.pos.offset);
    if (n.kind == ast::Node::Kind::Unary) return k;

    switch (n.rhs.kind) {
        case ast::Rhs::Kind::Operand: {
            if (k->op == CmpOp::PMatch || k->op == CmpOp::Regex)
                throw CompileError("operator '" + n.op + "' does not accept a field on its right",
                                   n.rhs.pos.offset);
            try {
                k->rhs = compile_operand(n.rhs.operand[0], source);
            } catch (const std::runtime_error& e) {
                throw CompileError(e.what(), n.rhs.pos.offset);
            }
            if (family(k->rhs->type) != family(k->type))
                throw CompileError("cannot compare '" + k->lhs->text + "' (" +
                                       std::string(fields::field_type_name(k->type)) + ") with '" +
                                       k->rhs->text + "' (" +
                                       std::string(fields::field_type_name(k->rhs->type)) + ")",
                                   n.rhs.pos.offset);
            return k;
        }
        case ast::Rhs::Kind::ListRef: {
            // A bare word where a list is expected is a one-element list (lists themselves were
            // substituted textually before parsing).
            ast::Node one;
            one.kind = n.kind;
            one.pos = n.pos;
            one.lhs = n.lhs;
            one.op = n.op;
            one.modifier = n.modifier;
            one.rhs = n.rhs;
            one.rhs.kind = ast::Rhs::Kind::List;
            one.rhs.items = {n.rhs.list_name};
            return compile_check(one, warnings, source);
        }
        case ast::Rhs::Kind::Value:
            if (k->op == CmpOp::In || k->op == CmpOp::Intersects || k->op == CmpOp::PMatch)
                throw CompileError("operator '" + n.op + "' requires a list", n.rhs.pos.offset);
            if (evt_type_lhs && (k->op == CmpOp::Eq || k->op == CmpOp::Ne) &&
                k->mod == Modifier::None) {
                compile_evt_type(*k, {n.rhs.value}, n.rhs.pos.offset, src);
                return k;
            }
            set_constants(*k, {n.rhs.value}, n, source, warnings);
            return k;
        case ast::Rhs::Kind::List:
            if (evt_type_lhs && (k->op == CmpOp::In || k->op == CmpOp::Intersects)) {
                compile_evt_type(*k, n.rhs.items, n.rhs.pos.offset, src);
                return k;
            }
            if (evt_type_lhs && k->mod != Modifier::None) {
                for (const auto& v : n.rhs.items)
                    if (!src.event_type_id(v))
                        throw CompileError("unknown event type " + v, n.rhs.pos.offset);
            }
            set_constants(*k, n.rhs.items, n, source, warnings);
            return k;
    }
    return k;
}

const FilterNode* FilterBuilder::build(const ast::Node& n, std::vector<CompileWarning>& warnings) {
    switch (n.kind) {
        case ast::Node::Kind::And:
        case ast::Node::Kind::Or:
        case ast::Node::Kind::Not: {
            std::vector<const FilterNode*> kids;
            kids.reserve(n.children.size());
            for (const auto& c : n.children) kids.push_back(build(*c, warnings));
            FilterNode* node = arena_.make();
            node->kind = n.kind == ast::Node::Kind::And  ? FilterNode::Kind::And
                         : n.kind == ast::Node::Kind::Or ? FilterNode::Kind::Or
                                                         : FilterNode::Kind::Not;
            node->fn = n.kind == ast::Node::Kind::And  ? and_fn()
                       : n.kind == ast::Node::Kind::Or ? or_fn()
                                                       : not_fn();
            node->kids = std::move(kids);
            return node;
        }
        case ast::Node::Kind::Macro:
            return resolver_(n.name, n.pos.offset);
        case ast::Node::Kind::Unary:
        case ast::Node::Kind::Binary: {
            FilterNode* node = arena_.make();
            node->kind = FilterNode::Kind::Check;
            node->check = compile_check(n, warnings, source_);
            finalize_check(*node);
            return node;
        }
    }
    throw CompileError("unexpected node", n.pos.offset);
}

}  // namespace sensor::engine
