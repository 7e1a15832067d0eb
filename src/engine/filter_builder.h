#pragma once
// Turns a parsed condition into a compiled FilterNode tree. Macro references are linked to
// shared compiled macro bodies through a resolver supplied by the rules compiler.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sensor/condition/ast.h"
#include "sensor/engine/filter.h"

namespace sensor::engine {

class CompileError : public std::runtime_error {
  public:
    CompileError(const std::string& msg, uint32_t offset)
        : std::runtime_error(msg), offset_(offset) {}
    uint32_t offset() const { return offset_; }

  private:
    uint32_t offset_;
};

struct CompileWarning {
    std::string message;
    uint32_t offset = 0;
    // Set for a field that is not filled live here: warned about once per field per load.
    const fields::FieldDef* unavailable = nullptr;
};

// Owns every compiled node of a ruleset.
struct FilterArena {
    std::vector<std::unique_ptr<FilterNode>> nodes;
    uint32_t memo_slots = 0;
    FilterNode* make() {
        nodes.push_back(std::make_unique<FilterNode>());
        return nodes.back().get();
    }
};

class FilterBuilder {
  public:
    // Returns the compiled body of a macro (compiling it on first use) or throws CompileError.
    using MacroResolver =
        std::function<const FilterNode*(const std::string& name, uint32_t offset)>;

    // Conditions name the fields and event types of `source`.
    FilterBuilder(FilterArena& arena, MacroResolver resolver,
                  fields::SourceId source = fields::kSyscallSource)
        : arena_(arena), resolver_(std::move(resolver)), source_(source) {}

    const FilterNode* build(const condition::ast::Node& n, std::vector<CompileWarning>& warnings);

  private:
    FilterArena& arena_;
    MacroResolver resolver_;
    fields::SourceId source_;
};

// The load warning for a field that is not filled live here (FieldDef::unavailable).
std::string unavailable_field_warning(const fields::FieldDef& d);

// Compiles one check (Unary or Binary node) with the fields of `source`; exposed for tests.
std::unique_ptr<Check> compile_check(const condition::ast::Node& n,
                                     std::vector<CompileWarning>& warnings,
                                     fields::SourceId source = fields::kSyscallSource);

}  // namespace sensor::engine
