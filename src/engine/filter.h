#pragma once
// Compiled conditions: a tree of nodes, each with the function that evaluates it. Checks carry
// their constants pre-parsed in the field's type (hash sets for `in`, prefix structures for
// `pmatch`, compiled regexes), so evaluation does no parsing and no allocation.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sensor/engine/operand.h"
#include "sensor/engine/prefix_set.h"

namespace re2 {
class RE2;
}

namespace sensor::engine {

// Per-event evaluation state: the event and the memo of macro results for this event.
struct EvalCtx {
    const fields::Event* ev = nullptr;
    uint64_t gen = 0;  // bumped per event; a memo slot is valid when its gen matches
    std::vector<uint64_t> memo_gen;
    std::vector<uint8_t> memo_val;

    void begin(const fields::Event& e) {
        ev = &e;
        ++gen;
    }
};

enum class CmpOp : uint8_t {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    Regex,
    In,
    Intersects,
    PMatch,
    Exists,
};
enum class Modifier : uint8_t { None, OneOf, AnyOf, AllOf };

std::string_view cmp_op_name(CmpOp op);

struct Check {
    std::unique_ptr<Operand> lhs;
    CmpOp op = CmpOp::Eq;
    Modifier mod = Modifier::None;
    fields::FieldType type = fields::FieldType::String;  // comparison domain (the LHS type)
    // Constant right-hand side, parsed in `type`. A single value is element 0.
    std::vector<std::string> strs;
    std::vector<std::string> lowered;  // lower-cased strs for icontains/iglob
    std::vector<int64_t> i64s;
    std::vector<uint64_t> u64s;
    std::vector<double> f64s;
    std::vector<bool> bools;
    std::vector<fields::IpAddr> ips;
    std::vector<fields::IpNet> nets;
    std::unordered_set<std::string_view> set;  // views into strs
    PathPrefixSet paths;                       // pmatch
    PrefixTrie prefixes;                       // startswith with a list
    std::vector<std::unique_ptr<re2::RE2>> regexes;
    std::unique_ptr<Operand> rhs;    // val(field) or transformer on the right
    std::vector<uint8_t> type_mask;  // evt.type checks: one byte per event type id
    bool evt_type = false;
    bool syscall_only = false;  // syscall.type: missing (so false) for non-syscall events

    Check();
    ~Check();
    Check(Check&&) noexcept;
};

struct FilterNode {
    enum class Kind : uint8_t { And, Or, Not, Macro, Check, Const };
    using Fn = bool (*)(const FilterNode& self, EvalCtx& ctx);
    Fn fn = nullptr;
    Kind kind = Kind::Const;
    bool const_value = false;
    std::vector<const FilterNode*> kids;  // And, Or, Not
    const FilterNode* target = nullptr;   // Macro: the shared compiled macro body
    uint32_t slot = 0;                    // Macro: memo slot
    std::string macro_name;
    std::unique_ptr<engine::Check> check;

    bool eval(EvalCtx& ctx) const { return fn(*this, ctx); }
};

// Selects the evaluation function for a check after its constants are set.
void finalize_check(FilterNode& node);

FilterNode::Fn and_fn();
FilterNode::Fn or_fn();
FilterNode::Fn not_fn();
FilterNode::Fn macro_fn();
FilterNode::Fn const_fn();

}  // namespace sensor::engine
