// Operand compilation and the transformer implementations.
#include "sensor/engine/operand.h"

#include <stdexcept>

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

bool get_literal_list(const Operand& self, const fields::Event&, uint32_t n, Value& out) {
    if (n >= self.literal_items.size()) return false;
    out.str = self.literal_items[n];
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

TransformerKind transformer_kind(const std::string& name) {
    if (name == "tolower") return TransformerKind::ToLower;
    if (name == "toupper") return TransformerKind::ToUpper;
    if (name == "b64") return TransformerKind::B64;
    if (name == "basename") return TransformerKind::Basename;
    if (name == "len") return TransformerKind::Len;
    if (name == "join") return TransformerKind::Join;
    if (name == "concat") return TransformerKind::Concat;
    throw std::runtime_error("unknown transformer: " + name);
}

void require_string_arg(const std::string& tname, const Operand& a) {
    if (!fields::is_stringy(a.type) && a.type != FieldType::Bytes)
        throw std::runtime_error("transformer '" + tname + "' requires a string argument, but '" +
                                 a.text + "' is of type " +
                                 std::string(fields::field_type_name(a.type)));
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
        case condition::ast::Operand::Kind::LiteralList:
            op->fn = get_literal_list;
            op->literal_items = src.items;
            op->multi = op->list = true;
            return op;
        case condition::ast::Operand::Kind::Transformer:
            break;
    }
    op->transformer = transformer_kind(src.name);
    for (const auto& a : src.args) op->args.push_back(compile_operand(a, source));
    const std::string& t = src.name;
    auto want_args = [&](size_t n) {
        if (op->args.size() != n)
            throw std::runtime_error("transformer '" + t + "' expects " + std::to_string(n) +
                                     " argument(s), got " + std::to_string(op->args.size()));
    };
    switch (op->transformer) {
        case TransformerKind::ToLower:
        case TransformerKind::ToUpper:
        case TransformerKind::B64:
        case TransformerKind::Basename:
            want_args(1);
            require_string_arg(t, *op->args[0]);
            op->fn = op->transformer == TransformerKind::B64        ? get_b64
                     : op->transformer == TransformerKind::Basename ? get_basename
                                                                    : get_case;
            op->type = FieldType::String;
            op->multi = op->args[0]->multi;
            op->list = op->args[0]->list;
            break;
        case TransformerKind::Len:
            want_args(1);
            if (!op->args[0]->list) require_string_arg(t, *op->args[0]);
            op->fn = get_len;
            op->type = FieldType::Int64;
            op->multi = op->args[0]->multi && !op->args[0]->list;
            break;
        case TransformerKind::Join:
            want_args(2);
            require_string_arg(t, *op->args[0]);
            if (!op->args[1]->multi)
                throw std::runtime_error("transformer 'join' requires a list as second argument");
            op->fn = get_join;
            op->type = FieldType::String;
            break;
        case TransformerKind::Concat:
            if (op->args.size() < 2)
                throw std::runtime_error("transformer 'concat' requires at least 2 arguments");
            for (const auto& a : op->args)
                if (a->multi)
                    throw std::runtime_error("transformer 'concat' requires single values");
            op->fn = get_concat;
            op->type = FieldType::String;
            break;
        case TransformerKind::None:
            break;
    }
    return op;
}

}  // namespace sensor::engine
