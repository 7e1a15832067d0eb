// Evaluation of compiled checks. Common shapes (single-valued string field against constants)
// get their own functions so the hot path is one extractor call and one comparison; everything
// else goes through the generic matcher.
#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>

#include "sensor/engine/filter.h"
#include "sensor/events/event_types.h"

namespace sensor::engine {

Check::Check() = default;
Check::~Check() = default;
Check::Check(Check&&) noexcept = default;

std::string_view cmp_op_name(CmpOp op) {
    static constexpr std::string_view names[] = {
        "=",         "!=",        "<",          "<=",          ">",        ">=",   "contains",
        "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob",
        "regex",     "in",        "intersects", "pmatch",      "exists"};
    return names[static_cast<int>(op)];
}

namespace {

using fields::FieldType;
using fields::Value;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Case-insensitive substring search; `needle` is already lower-cased.
bool icontains(std::string_view hay, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > hay.size()) return false;
    const char first = needle[0];
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        if (lower(hay[i]) != first) continue;
        size_t j = 1;
        while (j < needle.size() && lower(hay[i + j]) == needle[j]) ++j;
        if (j == needle.size()) return true;
    }
    return false;
}

bool glob_match(const std::string& pattern, std::string_view v, bool casefold, std::string& buf) {
    buf.assign(v);  // fnmatch needs a NUL-terminated subject
    return fnmatch(pattern.c_str(), buf.c_str(), casefold ? FNM_CASEFOLD : 0) == 0;
}

template <typename T>
bool cmp_num(CmpOp op, T a, T b) {
    switch (op) {
        case CmpOp::Eq:
        case CmpOp::In:
        case CmpOp::Intersects:
            return a == b;
        case CmpOp::Ne:
            return a != b;
        case CmpOp::Lt:
            return a < b;
        case CmpOp::Le:
            return a <= b;
        case CmpOp::Gt:
            return a > b;
        case CmpOp::Ge:
            return a >= b;
        default:
            return false;
    }
}

bool bytes_contains(std::string_view hay, std::string_view needle, bool prefix_only) {
    if (prefix_only) return hay.substr(0, needle.size()) == needle;
    return hay.find(needle) != std::string_view::npos;
}

// Base operator between a string value and one string operand.
bool match_str(const Check& k, CmpOp op, std::string_view v, std::string_view r, size_t i) {
    switch (op) {
        case CmpOp::Eq:
        case CmpOp::In:
        case CmpOp::Intersects:
            return v == r;
        case CmpOp::Ne:
            return v != r;
        case CmpOp::Lt:
            return v < r;
        case CmpOp::Le:
            return v <= r;
        case CmpOp::Gt:
            return v > r;
        case CmpOp::Ge:
            return v >= r;
        case CmpOp::Contains:
            return v.find(r) != std::string_view::npos;
        case CmpOp::IContains:
            return icontains(v, i < k.lowered.size() ? std::string_view(k.lowered[i]) : r);
        case CmpOp::StartsWith:
            return v.substr(0, r.size()) == r;
        case CmpOp::EndsWith:
            return v.size() >= r.size() && v.substr(v.size() - r.size()) == r;
        case CmpOp::BContains:
            return bytes_contains(v, r, false);
        case CmpOp::BStartsWith:
            return bytes_contains(v, r, true);
        case CmpOp::Glob:
        case CmpOp::IGlob:
            return false;  // callers handle glob with a NUL-terminated pattern

        case CmpOp::Regex:
            return i < k.regexes.size() &&
                   RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *k.regexes[i]);
        case CmpOp::PMatch:
            return false;  // set-based: see match_value

        case CmpOp::Exists:
            return true;
    }
    return false;
}

// Compares a value against constant element i.
bool match_const(const Check& k, CmpOp op, const Value& v, size_t i, std::string& buf) {
    switch (k.type) {
        case FieldType::String:
        case FieldType::Path:
        case FieldType::Bytes:
            if (op == CmpOp::Glob || op == CmpOp::IGlob)
                return glob_match(k.strs[i], v.str, op == CmpOp::IGlob, buf);
            return match_str(k, op, v.str, k.strs[i], i);
        case FieldType::Int64:
            return cmp_num(op, v.i64, k.i64s[i]);
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
            return cmp_num(op, v.u64, k.u64s[i]);
        case FieldType::Double:
            return cmp_num(op, v.f64, k.f64s[i]);
        case FieldType::Bool:
            return cmp_num(op, v.b, static_cast<bool>(k.bools[i]));
        case FieldType::Ip:
            if (!k.nets.empty()) {
                bool in = k.nets[i].contains(v.ip);
                return op == CmpOp::Ne ? !in : in;
            }
            return op == CmpOp::Ne ? !(v.ip == k.ips[i]) : v.ip == k.ips[i];
        case FieldType::Net: {
            bool in = k.nets[i].contains(v.net.addr);
            return op == CmpOp::Ne ? !in : in;
        }
    }
    return false;
}

size_t const_count(const Check& k) {
    switch (k.type) {
        case FieldType::Int64:
            return k.i64s.size();
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
            return k.u64s.size();
        case FieldType::Double:
            return k.f64s.size();
        case FieldType::Bool:
            return k.bools.size();
        case FieldType::Ip:
            return k.nets.empty() ? k.ips.size() : k.nets.size();
        case FieldType::Net:
            return k.nets.size();
        default:
            return k.strs.size();
    }
}

// Compares a value against a value of the right-hand operand (same type family).
bool match_dynamic(const Check& k, const Value& v, const Value& r, std::string& buf) {
    switch (k.type) {
        case FieldType::String:
        case FieldType::Path:
        case FieldType::Bytes: {
            CmpOp op = k.op == CmpOp::In || k.op == CmpOp::Intersects ? CmpOp::Eq : k.op;
            // Dynamic right sides reuse the RHS operand's second scratch buffer.
            std::string& tmp = k.rhs->scratch2;
            if (op == CmpOp::IContains) {
                tmp.assign(r.str);
                for (char& c : tmp) c = lower(c);
                return icontains(v.str, tmp);
            }
            if (op == CmpOp::Glob || op == CmpOp::IGlob) {
                tmp.assign(r.str);
                return glob_match(tmp, v.str, op == CmpOp::IGlob, buf);
            }
            return match_str(k, op, v.str, r.str, SIZE_MAX);
        }
        case FieldType::Int64:
            return cmp_num(k.op, v.i64, r.i64);
        case FieldType::Uint64:
        case FieldType::AbsTime:
        case FieldType::RelTime:
            return cmp_num(k.op, v.u64, r.u64);
        case FieldType::Double:
            return cmp_num(k.op, v.f64, r.f64);
        case FieldType::Bool:
            return cmp_num(k.op, v.b, r.b);
        case FieldType::Ip:
            return k.op == CmpOp::Ne ? !(v.ip == r.ip) : v.ip == r.ip;
        case FieldType::Net:
            return k.op == CmpOp::Ne ? !(v.net.addr == r.net.addr) : v.net.addr == r.net.addr;
    }
    return false;
}

bool match_rhs_operand(const Check& k, const fields::Event& ev, const Value& v, std::string& buf) {
    Value r;
    if (!k.rhs->multi) return k.rhs->get(ev, 0, r) && match_dynamic(k, v, r, buf);
    // A multi-valued right side: set operators mean "equals one of them".
    for (uint32_t n = 0; k.rhs->get(ev, n, r); ++n)
        if (match_dynamic(k, v, r, buf)) return true;
    return false;
}

// One value against the whole right-hand side, honouring modifiers and set operators.
bool match_value(const Check& k, const fields::Event& ev, const Value& v, std::string& buf) {
    if (k.rhs) return match_rhs_operand(k, ev, v, buf);
    const bool stringy = fields::is_stringy(k.type) || k.type == FieldType::Bytes;
    if (k.mod == Modifier::None) {
        switch (k.op) {
            case CmpOp::In:
            case CmpOp::Intersects:
                if (stringy) return k.set.count(v.str) != 0;
                break;
            case CmpOp::PMatch:
                return k.paths.matches(v.str);
            default:
                return match_const(k, k.op, v, 0, buf);
        }
        for (size_t i = 0, n = const_count(k); i < n; ++i)
            if (match_const(k, CmpOp::Eq, v, i, buf)) return true;
        return false;
    }
    // libs: a modifier over an empty list is false for every operator, `!= allof ()` included.
    if (const_count(k) == 0) return false;
    if (stringy && k.op == CmpOp::Eq && k.mod == Modifier::AnyOf) return k.set.count(v.str) != 0;
    if (stringy && k.op == CmpOp::Ne && k.mod == Modifier::AllOf) return k.set.count(v.str) == 0;
    if (stringy && k.op == CmpOp::StartsWith && !k.prefixes.empty()) {
        uint32_t c = k.prefixes.count_prefixes_of(v.str, k.mod == Modifier::AnyOf);
        if (k.mod == Modifier::AnyOf) return c > 0;
        if (k.mod == Modifier::OneOf) return c == 1;
    }
    size_t n = const_count(k), hits = 0;
    for (size_t i = 0; i < n; ++i) {
        bool m = match_const(k, k.op, v, i, buf);
        if (m) ++hits;
        if (k.mod == Modifier::AnyOf && m) return true;
        if (k.mod == Modifier::AllOf && !m) return false;
        if (k.mod == Modifier::OneOf && hits > 1) return false;
    }
    if (k.mod == Modifier::AllOf) return n > 0;
    return hits == 1 && k.mod == Modifier::OneOf;
}

bool eval_generic(const FilterNode& node, EvalCtx& ctx) {
    const Check& k = *node.check;
    const fields::Event& ev = *ctx.ev;
    Value v;
    std::string& buf = k.lhs->scratch2;
    if (k.op == CmpOp::Exists) return k.lhs->get(ev, 0, v);
    if (!k.lhs->multi) return k.lhs->get(ev, 0, v) && match_value(k, ev, v, buf);
    // Fields read from either end of a connection (fd.ip, fd.net, fd.port ...): `=`/`in` hold
    // when either end matches, `!=` only when neither end does (Falco compares both ends).
    if (k.op == CmpOp::Ne && k.mod == Modifier::None && k.lhs->is_field() &&
        k.lhs->field.def->any_of) {
        uint32_t n = 0;
        for (; k.lhs->get(ev, n, v); ++n)
            if (!match_value(k, ev, v, buf)) return false;
        return n > 0;
    }
    if (k.lhs->list && k.op == CmpOp::In) {
        // A list is `in` a set when every element is.
        uint32_t n = 0;
        for (; k.lhs->get(ev, n, v); ++n)
            if (!match_value(k, ev, v, buf)) return false;
        return n > 0;
    }
    for (uint32_t n = 0; k.lhs->get(ev, n, v); ++n)
        if (match_value(k, ev, v, buf)) return true;
    return false;
}

bool eval_evt_type(const FilterNode& node, EvalCtx& ctx) {
    const Check& k = *node.check;
    if (k.syscall_only && !events::is_syscall(ctx.ev->type)) return false;
    bool in = ctx.ev->type < k.type_mask.size() && k.type_mask[ctx.ev->type];
    return k.op == CmpOp::Ne ? !in : in;
}

template <CmpOp Op>
bool eval_str_fast(const FilterNode& node, EvalCtx& ctx) {
    const Check& k = *node.check;
    Value v;
    if (!k.lhs->get(*ctx.ev, 0, v)) return false;
    std::string_view s = v.str;
    if constexpr (Op == CmpOp::Eq) return s == k.strs[0];
    if constexpr (Op == CmpOp::Ne) return s != k.strs[0];
    if constexpr (Op == CmpOp::In) return k.set.find(s) != k.set.end();
    if constexpr (Op == CmpOp::Contains) return s.find(k.strs[0]) != std::string_view::npos;
    if constexpr (Op == CmpOp::IContains) return icontains(s, k.lowered[0]);
    if constexpr (Op == CmpOp::StartsWith) return s.substr(0, k.strs[0].size()) == k.strs[0];
    if constexpr (Op == CmpOp::EndsWith) {
        const std::string& r = k.strs[0];
        return s.size() >= r.size() && s.substr(s.size() - r.size()) == r;
    }
    if constexpr (Op == CmpOp::PMatch) return k.paths.matches(s);
    return false;
}

template <CmpOp Op>
bool eval_int_fast(const FilterNode& node, EvalCtx& ctx) {
    const Check& k = *node.check;
    Value v;
    if (!k.lhs->get(*ctx.ev, 0, v)) return false;
    return cmp_num(Op, v.i64, k.i64s[0]);
}

bool eval_and(const FilterNode& n, EvalCtx& ctx) {
    for (const FilterNode* k : n.kids)
        if (!k->eval(ctx)) return false;
    return true;
}
bool eval_or(const FilterNode& n, EvalCtx& ctx) {
    for (const FilterNode* k : n.kids)
        if (k->eval(ctx)) return true;
    return false;
}
bool eval_not(const FilterNode& n, EvalCtx& ctx) {
    return !n.kids[0]->eval(ctx);
}
bool eval_const(const FilterNode& n, EvalCtx&) {
    return n.const_value;
}
bool eval_macro(const FilterNode& n, EvalCtx& ctx) {
    if (ctx.memo_gen[n.slot] == ctx.gen) return ctx.memo_val[n.slot] != 0;
    bool r = n.target->eval(ctx);
    ctx.memo_gen[n.slot] = ctx.gen;
    ctx.memo_val[n.slot] = r;
    return r;
}

}  // namespace

FilterNode::Fn and_fn() {
    return eval_and;
}
FilterNode::Fn or_fn() {
    return eval_or;
}
FilterNode::Fn not_fn() {
    return eval_not;
}
FilterNode::Fn macro_fn() {
    return eval_macro;
}
FilterNode::Fn const_fn() {
    return eval_const;
}

void finalize_check(FilterNode& node) {
    const Check& k = *node.check;
    node.fn = eval_generic;
    if (k.evt_type) {
        node.fn = eval_evt_type;
        return;
    }
    if (k.lhs->multi || k.rhs || k.mod != Modifier::None) return;
    if (fields::is_stringy(k.type)) {
        switch (k.op) {
            case CmpOp::Eq:
                node.fn = eval_str_fast<CmpOp::Eq>;
                break;
            case CmpOp::Ne:
                node.fn = eval_str_fast<CmpOp::Ne>;
                break;
            case CmpOp::In:
            case CmpOp::Intersects:
                node.fn = eval_str_fast<CmpOp::In>;
                break;
            case CmpOp::Contains:
                node.fn = eval_str_fast<CmpOp::Contains>;
                break;
            case CmpOp::IContains:
                node.fn = eval_str_fast<CmpOp::IContains>;
                break;
            case CmpOp::StartsWith:
                node.fn = eval_str_fast<CmpOp::StartsWith>;
                break;
            case CmpOp::EndsWith:
                node.fn = eval_str_fast<CmpOp::EndsWith>;
                break;
            case CmpOp::PMatch:
                node.fn = eval_str_fast<CmpOp::PMatch>;
                break;
            default:
                break;
        }
    } else if (k.type == FieldType::Int64) {
        switch (k.op) {
            case CmpOp::Eq:
                node.fn = eval_int_fast<CmpOp::Eq>;
                break;
            case CmpOp::Ne:
                node.fn = eval_int_fast<CmpOp::Ne>;
                break;
            case CmpOp::Lt:
                node.fn = eval_int_fast<CmpOp::Lt>;
                break;
            case CmpOp::Le:
                node.fn = eval_int_fast<CmpOp::Le>;
                break;
            case CmpOp::Gt:
                node.fn = eval_int_fast<CmpOp::Gt>;
                break;
            case CmpOp::Ge:
                node.fn = eval_int_fast<CmpOp::Ge>;
                break;
            default:
                break;
        }
    }
}

}  // namespace sensor::engine
