#pragma once
// A compiled value producer: a resolved field, or a transformer over other operands. Used on
// both sides of checks and for every `%token` of output templates.
#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sensor/condition/ast.h"
#include "sensor/fields/registry.h"

namespace sensor::engine {

enum class TransformerKind : uint8_t {
    None,
    ToLower,
    ToUpper,
    B64,
    Basename,
    Len,
    Join,
    Concat,
    GetOpt,
};

// A getopt operand's state: the option selected by `[c]` (0: none, the result is the whole
// list), the optstring's flags per option byte (1: valid, 2: takes an argument), decoded once
// when the optstring is a literal or whenever a field's optstring changes, and the results as
// (offset, length) spans of the operand's scratch, computed when value 0 is asked for.
struct GetoptState {
    char selector = 0;
    bool const_optstring = false;
    std::array<uint8_t, 256> flags{};
    std::string last_optstring;
    std::vector<std::pair<uint32_t, uint32_t>> spans;
};

struct Operand {
    // Produces value number n (0-based; see fields::ExtractFn); false when missing/exhausted.
    using Fn = bool (*)(const Operand& self, const fields::Event& ev, uint32_t n,
                        fields::Value& out);
    Fn fn = nullptr;
    fields::FieldType type = fields::FieldType::String;
    bool multi = false;      // yields several values (any-ancestor, any_of, lists)
    bool list = false;       // a real list (in = all, intersects = any)
    fields::FieldRef field;  // Field operands
    TransformerKind transformer = TransformerKind::None;
    std::vector<std::unique_ptr<Operand>> args;  // transformer arguments
    std::string literal;                         // literal transformer argument
    std::string text;                            // source form, e.g. "proc.aname[2]"
    mutable std::string scratch;                 // per-operand buffer reused across events
    mutable std::string scratch2;
    std::unique_ptr<GetoptState> getopt;  // getopt operands only

    bool get(const fields::Event& ev, uint32_t n, fields::Value& out) const {
        return fn(*this, ev, n, out);
    }
    bool is_field() const { return transformer == TransformerKind::None && field.def; }
};

// Compiles a parsed operand with the fields of `source`; throws std::runtime_error with Falco's
// wording on unknown fields (`filter_check called with nonexistent field X`) or misuse of a
// transformer.
std::unique_ptr<Operand> compile_operand(const condition::ast::Operand& op,
                                         fields::SourceId source = fields::kSyscallSource);

}  // namespace sensor::engine
