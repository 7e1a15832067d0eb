#pragma once
// Syntax tree of a Falco condition, as the parser produces it and before fields are resolved.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sensor::condition::ast {

// Byte offset into the condition text the tree was parsed from.
struct Pos {
    uint32_t offset = 0;
};

// A field reference (`proc.aname[2]`), a transformer call (`tolower(proc.name)`,
// `getopt(l, "t:")[t]`), or, inside transformer arguments, a literal or a transformer list
// (`(proc.name, "x", tolower(proc.pname))`).
struct Operand {
    enum class Kind : uint8_t { Field, Transformer, Literal, List };
    Kind kind = Kind::Field;
    Pos pos;
    std::string name;      // field name or transformer name
    bool has_arg = false;  // field or transformer `[arg]`
    std::string arg;       // unescaped argument
    bool arg_quoted = false;
    std::vector<Operand> args;  // transformer arguments, or List elements
    std::string literal;        // Literal
};

// Right-hand side of a binary check.
struct Rhs {
    enum class Kind : uint8_t { Value, List, ListRef, Operand };
    Kind kind = Kind::Value;
    Pos pos;
    std::string value;               // Value: unescaped text
    bool quoted = false;             // Value was written in quotes
    std::vector<std::string> items;  // List: unescaped items
    std::string list_name;           // ListRef: an identifier naming a list (unresolved)
    std::vector<Operand> operand;    // Operand: exactly one (transformer or val(field))
    bool is_val = false;             // Operand came from val(field)
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
    enum class Kind : uint8_t { And, Or, Not, Macro, Unary, Binary };
    Kind kind = Kind::And;
    Pos pos;
    std::vector<NodePtr> children;  // And, Or (n-ary), Not (one)
    std::string name;               // Macro: the identifier
    Operand lhs;                    // Unary, Binary
    std::string op;                 // "exists", "=", "in", ... ("==" is kept as written)
    std::string modifier;           // "", "oneof", "anyof", "allof"
    Rhs rhs;                        // Binary

    NodePtr clone() const;
};

NodePtr make_and(std::vector<NodePtr> children);
NodePtr make_or(std::vector<NodePtr> children);
NodePtr make_not(NodePtr child);

// Text form of an operand, e.g. `proc.aname[2]`, `tolower(proc.name)`: the key Falco uses in
// output_fields.
std::string to_string(const Operand& op);
// Text form of a whole expression, fully parenthesised where Falco's string visitor would.
std::string to_string(const Node& n);

}  // namespace sensor::condition::ast
