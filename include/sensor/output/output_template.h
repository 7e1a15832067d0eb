#pragma once
// A rule's output format compiled once at load: literal text and `%field` tokens (with an
// optional width, transformers allowed). Rendering fills a caller-owned buffer.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sensor/engine/operand.h"

namespace sensor::output {

struct OutputToken {
    std::string literal;                       // text before the field (may be empty)
    std::unique_ptr<engine::Operand> operand;  // null for a trailing literal
    size_t width = 0;                          // %Nfield: pad or truncate (text only)
};

struct OutputTemplate {
    std::vector<OutputToken> tokens;
    bool used_container_info = false;  // %container.info was dropped (deprecated)

    // Text with missing values as <NA>.
    void render(const fields::Event& ev, std::string& out) const;
    // Typed values of the plain field tokens (transformers are left out, as Falco does).
    void add_fields_json(const fields::Event& ev, nlohmann::json& out) const;
};

// Throws std::runtime_error with Falco's wording for a bad template.
OutputTemplate compile_output(std::string_view format);

// Appends an operand's value(s) as text; false when missing.
bool append_operand_text(const engine::Operand& op, const fields::Event& ev, std::string& out);

}  // namespace sensor::output
