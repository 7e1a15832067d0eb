#include "sensor/condition/ast.h"

namespace sensor::condition::ast {

NodePtr Node::clone() const {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->pos = pos;
    n->name = name;
    n->lhs = lhs;
    n->op = op;
    n->modifier = modifier;
    n->rhs = rhs;
    n->children.reserve(children.size());
    for (const auto& c : children) n->children.push_back(c->clone());
    return n;
}

NodePtr make_and(std::vector<NodePtr> children) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::And;
    n->children = std::move(children);
    return n;
}

NodePtr make_or(std::vector<NodePtr> children) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::Or;
    n->children = std::move(children);
    return n;
}

NodePtr make_not(NodePtr child) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::Not;
    n->pos = child->pos;
    n->children.push_back(std::move(child));
    return n;
}

namespace {

bool needs_quotes(const std::string& v) {
    if (v.empty()) return true;
    for (char c : v) {
        if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || c == ' ' ||
            c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == '\b')
            return true;
    }
    return false;
}

std::string quote_value(const std::string& v) {
    if (!needs_quotes(v)) return v;
    std::string out = "\"";
    for (char c : v) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                out += c;
        }
    }
    return out + "\"";
}

std::string list_to_string(const std::vector<std::string>& items) {
    std::string out = "(";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += quote_value(items[i]);
    }
    return out + ")";
}

void append_arg(const Operand& op, std::string& out) {
    if (!op.has_arg) return;
    out += '[';
    out += op.arg_quoted ? quote_value(op.arg) : op.arg;
    out += ']';
}

std::string args_to_string(const std::vector<Operand>& args) {
    std::string out = "(";
    for (size_t i = 0; i < args.size(); ++i) {
        if (i) out += ", ";
        out += to_string(args[i]);
    }
    return out + ")";
}

}  // namespace

std::string to_string(const Operand& op) {
    std::string out;
    switch (op.kind) {
        case Operand::Kind::Field:
            out = op.name;
            break;
        case Operand::Kind::Transformer:
            out = op.name + args_to_string(op.args);
            break;
        case Operand::Kind::Literal:
            return quote_value(op.literal);
        case Operand::Kind::List:
            return args_to_string(op.args);
    }
    append_arg(op, out);
    return out;
}

std::string to_string(const Node& n) {
    switch (n.kind) {
        case Node::Kind::And:
        case Node::Kind::Or: {
            std::string out = "(";
            const char* sep = n.kind == Node::Kind::And ? " and " : " or ";
            for (size_t i = 0; i < n.children.size(); ++i) {
                if (i) out += sep;
                out += to_string(*n.children[i]);
            }
            return out + ")";
        }
        case Node::Kind::Not:
            return "not " + to_string(*n.children[0]);
        case Node::Kind::Macro:
            return n.name;
        case Node::Kind::Unary:
            return to_string(n.lhs) + " " + n.op;
        case Node::Kind::Binary: {
            std::string out = to_string(n.lhs) + " " + n.op + " ";
            if (!n.modifier.empty()) out += n.modifier + " ";
            switch (n.rhs.kind) {
                case Rhs::Kind::Value:
                    return out + quote_value(n.rhs.value);
                case Rhs::Kind::List:
                    return out + list_to_string(n.rhs.items);
                case Rhs::Kind::ListRef:
                    return out + n.rhs.list_name;
                case Rhs::Kind::Operand:
                    if (n.rhs.is_val) return out + "val(" + to_string(n.rhs.operand[0]) + ")";
                    return out + to_string(n.rhs.operand[0]);
            }
            return out;
        }
    }
    return {};
}

}  // namespace sensor::condition::ast
