#pragma once
// Recursive-descent parser for Falco's condition language (grammar in docs/rules-language.md).
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/condition/ast.h"

namespace sensor::condition {

class ParseError : public std::runtime_error {
  public:
    ParseError(const std::string& msg, uint32_t offset)
        : std::runtime_error(msg), offset_(offset) {}
    uint32_t offset() const { return offset_; }

  private:
    uint32_t offset_;
};

// Falco raises the parser's depth limit to 1000 for rule conditions.
inline constexpr uint32_t kMaxConditionDepth = 1000;

// Parses a whole condition; throws ParseError with the byte offset of the problem.
ast::NodePtr parse_condition(std::string_view text, uint32_t max_depth = kMaxConditionDepth);

// Parses one operand as written after `%` in an output template: a field or a transformer.
// Returns the number of bytes consumed, or 0 when no operand starts at `text`.
size_t parse_output_operand(std::string_view text, ast::Operand& out);

// Unescapes the inside of a quoted string (`quote` is ' or "); throws std::invalid_argument.
std::string unescape_quoted(std::string_view body, char quote);

bool is_transformer_name(std::string_view name);

// The transformer names in libs' order, `val` first when `include_val`.
std::vector<std::string_view> transformer_names(bool include_val);

}  // namespace sensor::condition
