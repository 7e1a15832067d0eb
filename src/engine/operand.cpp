// Operand compilation and the transformer implementations.
#include "sensor/engine/operand.h"

#include <stdexcept>

#include "transformer_getopt.h"

namespace sensor::engine {
namespace {

using fields::FieldType;
using fields::Value;

bool get_field(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    return self.field.def->extract(ev, self.field.arg, n, out, self.scratch);
}

bool get_literal(const Operand& self, const fields::Event&, uint32_t n, Value& out) {
    if (n != 0) return false;
    out.str = self.literal;
    return true;
}

// Renders a non-string value of an argument as text into buf (for concat/join of numbers).
std::string_view as_text(const Operand& arg, const Value& v, std::string& buf) {
    if (fields::is_stringy(arg.type) || arg.type == FieldType::Bytes) return v.str;
    buf.clear();
    if (arg.field.def) {
        fields::append_value_text(*arg.field.def, v, buf);
    } else {
        buf = std::to_string(v.i64);
    }
    return buf;
}

// A transformer list `(a, b, ...)`: the values of its elements in order, numbers as text; the
// list is missing when an element is (libs' list_check).
bool get_list(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    if (n == 0) {
        for (const auto& e : self.args)
            if (!e->get(ev, 0, out)) return false;
    }
    uint32_t seen = 0;
    for (const auto& e : self.args) {
        for (uint32_t k = 0; (k == 0 || e->multi) && e->get(ev, k, out); ++k, ++seen) {
            if (seen != n) continue;
            out.str = as_text(*e, out, self.scratch);
            return true;
        }
    }
    return false;
}

bool get_case(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    Value in;
    if (!self.args[0]->get(ev, n, in)) return false;
    self.scratch.assign(in.str);
    bool lower = self.transformer == TransformerKind::ToLower;
    for (char& c : self.scratch) {
        if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (!lower && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    out.str = self.scratch;
    return true;
}

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Standard base64 decoding; invalid input makes the value missing, as Falco does.
bool get_b64(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    Value in;
    if (!self.args[0]->get(ev, n, in)) return false;
    std::string_view s = in.str;
    while (!s.empty() && s.back() == '=') s.remove_suffix(1);
    self.scratch.clear();
    uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v = b64_value(c);
        if (v < 0) return false;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            self.scratch += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if (bits >= 6) return false;  // a single dangling sextet is not valid base64
    out.str = self.scratch;
    return true;
}

bool get_basename(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    Value in;
    if (!self.args[0]->get(ev, n, in)) return false;
    std::string_view s = in.str;
    auto slash = s.rfind('/');
    out.str = slash == std::string_view::npos ? s : s.substr(slash + 1);
    return true;
}

bool get_len(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    const Operand& a = *self.args[0];
    if (a.list) {
        if (n != 0) return false;
        uint32_t count = 0;
        Value v;
        while (a.get(ev, count, v)) ++count;
        out.i64 = count;
        return true;
    }
    Value in;
    if (!a.get(ev, n, in)) return false;
    out.i64 = static_cast<int64_t>(in.str.size());
    return true;
}

bool get_join(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    if (n != 0) return false;
    Value sep;
    if (!self.args[0]->get(ev, 0, sep)) return false;
    // The separator's view stays valid: its operand is not evaluated again below.
    std::string_view sep_text = sep.str;
    const Operand& list = *self.args[1];
    self.scratch.clear();
    Value v;
    // An empty list joins to ""; a transformer list with a missing element is missing.
    if (!list.get(ev, 0, v) && list.fn == get_list && !list.args.empty()) return false;
    for (uint32_t i = 0; list.get(ev, i, v); ++i) {
        if (i) self.scratch += sep_text;
        self.scratch += as_text(list, v, self.scratch2);
    }
    out.str = self.scratch;
    return true;
}

bool get_concat(const Operand& self, const fields::Event& ev, uint32_t n, Value& out) {
    if (n != 0) return false;
    self.scratch.clear();
    for (const auto& a : self.args) {
        Value v;
        if (!a->get(ev, 0, v)) return false;
        self.scratch += as_text(*a, v, self.scratch2);
    }
    out.str = self.scratch;
    return true;
}

bool is_string_type(const Operand& a) {
    return fields::is_stringy(a.type) || a.type == FieldType::Bytes;
}

TransformerKind transformer_kind(const std::string& name) {
    if (name == "tolower") return TransformerKind::ToLower;
    if (name == "toupper") return TransformerKind::ToUpper;
    if (name == "b64") return TransformerKind::B64;
    if (name == "basename") return TransformerKind::Basename;
    if (name == "len") return TransformerKind::Len;
    if (name == "join") return TransformerKind::Join;
    if (name == "concat") return TransformerKind::Concat;
    if (name == "getopt") return TransformerKind::GetOpt;
    throw std::runtime_error("unknown transformer: " + name);
}

void require_string_arg(const std::string& tname, const Operand& a) {
    if (!is_string_type(a))
        throw std::runtime_error("transformer '" + tname + "' requires a string argument, but '" +
                                 a.text + "' is of type " +
                                 std::string(fields::field_type_name(a.type)));
}

// tolower, toupper, b64, basename, len: one argument, applied to each of its values.
void compile_single(Operand& op, const condition::ast::Operand& src) {
    const std::string& t = src.name;
    if (src.has_arg)
        throw std::runtime_error("filter error: transformer '" + t +
                                 "' does not support field arguments");
    const Operand& a = *op.args[0];
    if (op.transformer == TransformerKind::Len) {
        if (!a.list) require_string_arg(t, a);
        op.fn = get_len;
        op.type = FieldType::Int64;
        op.multi = a.multi && !a.list;
        return;
    }
    require_string_arg(t, a);
    op.fn = op.transformer == TransformerKind::B64        ? get_b64
            : op.transformer == TransformerKind::Basename ? get_basename
                                                          : get_case;
    op.type = FieldType::String;
    op.multi = a.multi;
    op.list = a.list;
}

void compile_join(Operand& op) {
    if (op.args.size() != 2)
        throw std::runtime_error("join() requires exactly 2 arguments: separator and list");
    if (op.args[0]->list)
        throw std::runtime_error(
            "join() first argument (separator) must be a single value, not a list");
    if (!op.args[1]->list) throw std::runtime_error("join() second argument must be a list");
    op.fn = get_join;
}

void compile_concat(Operand& op) {
    if (op.args.size() < 2) throw std::runtime_error("concat() requires at least 2 arguments");
    for (const auto& a : op.args)
        if (!is_string_type(*a) || a->list)
            throw std::runtime_error("concat() arguments must be strings");
    op.fn = get_concat;
}

void compile_getopt(Operand& op, const condition::ast::Operand& src) {
    if (op.args.size() != 2)
        throw std::runtime_error("getopt() requires exactly 2 arguments: args list and optstring");
    if (!op.args[0]->list) throw std::runtime_error("getopt() first argument must be a list");
    if (op.args[1]->list)
        throw std::runtime_error("getopt() second argument (optstring) must be a single value");
    if (!is_string_type(*op.args[0]) || !is_string_type(*op.args[1]))
        throw std::runtime_error("getopt() arguments must be strings");
    op.getopt = std::make_unique<GetoptState>();
    if (op.args[1]->transformer == TransformerKind::None && !op.args[1]->field.def) {
        decode_optstring(op.args[1]->literal, op.getopt->flags);
        op.getopt->const_optstring = true;
    }
    op.fn = get_getopt;
    op.multi = op.list = true;
    if (!src.has_arg) return;
    if (src.arg.size() != 1)
        throw std::runtime_error("getopt() field argument must be a single option character");
    op.getopt->selector = src.arg[0];
    op.multi = op.list = false;
}

// join, concat, getopt: several arguments; a list argument is a transformer list or a list
// field or transformer.
void compile_multivalue(Operand& op, const condition::ast::Operand& src) {
    op.type = FieldType::String;
    switch (op.transformer) {
        case TransformerKind::Join:
            compile_join(op);
            break;
        case TransformerKind::Concat:
            compile_concat(op);
            break;
        case TransformerKind::GetOpt:
            compile_getopt(op, src);
            return;
        default:
            throw std::runtime_error("unknown multivalue transformer");
    }
    if (src.has_arg)
        throw std::runtime_error("transformer '" + src.name + "' does not support field arguments");
}

}  // namespace

std::unique_ptr<Operand> compile_operand(const condition::ast::Operand& src,
                                         fields::SourceId source) {
    auto op = std::make_unique<Operand>();
    op->text = condition::ast::to_string(src);
    switch (src.kind) {
        case condition::ast::Operand::Kind::Field: {
            std::string err;
            auto ref =
                fields::resolve_field(src.name, src.has_arg ? &src.arg : nullptr, err, source);
            if (!ref) throw std::runtime_error(err);
            op->field = *ref;
            op->fn = get_field;
            op->type = ref->def->type;
            op->multi = ref->multi();
            op->list = ref->def->list_valued;
            return op;
        }
        case condition::ast::Operand::Kind::Literal:
            op->fn = get_literal;
            op->literal = src.literal;
            return op;
        case condition::ast::Operand::Kind::List:
            for (const auto& a : src.args) op->args.push_back(compile_operand(a, source));
            op->fn = get_list;
            op->multi = op->list = true;
            return op;
        case condition::ast::Operand::Kind::Transformer:
            break;
    }
    op->transformer = transformer_kind(src.name);
    for (const auto& a : src.args) op->args.push_back(compile_operand(a, source));
    const bool multivalue = op->transformer == TransformerKind::Join ||
                            op->transformer == TransformerKind::Concat ||
                            op->transformer == TransformerKind::GetOpt;
    // libs picks the transformer family by argument count: one argument names a single-value
    // transformer, several a multivalue one.
    if (op->args.size() == 1) {
        if (multivalue) throw std::runtime_error("unknown field transfomer '" + src.name + "'");
        compile_single(*op, src);
    } else {
        compile_multivalue(*op, src);
    }
    return op;
}

}  // namespace sensor::engine
