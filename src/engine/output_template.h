#pragma once
// A rule's output format compiled once at load: literal text and `%field` tokens (with an
// optional width, transformers allowed). Rendering fills a caller-owned buffer.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sensor/engine/operand.h"

namespace sensor::engine {

struct OutputToken {
    std::string literal;                       // text before the field (may be empty)
    std::unique_ptr<engine::Operand> operand;  // null for a trailing literal
    size_t width = 0;                          // %Nfield: pad or truncate (text only)
};

struct OutputTemplate {
    std::vector<OutputToken> tokens;
    bool used_container_info = false;  // %container.info was dropped (deprecated)
    // The plain field tokens (transformers are left out, as Falco does), sorted by name and
    // without repeats: the keys of `output_fields`, each with its key already written
    // (`"proc.name":`).
    struct JsonField {
        const engine::Operand* operand;
        std::string key_json;
    };
    std::vector<JsonField> json_fields;
    // Fields only in `output_fields` (append_output's extra fields, join keys): not rendered.
    std::vector<std::unique_ptr<engine::Operand>> json_only;
    // Named `output_fields` entries that are not fields: append_output's {name: template}
    // extra fields (a rendered template) and static_fields (a constant), sorted by name.
    struct NamedField {
        std::string name;
        std::string key_json;                          // `"name":`
        std::shared_ptr<const OutputTemplate> format;  // null: constant
        std::string constant_json;                     // the constant, as a JSON string
    };
    std::vector<NamedField> named_fields;
    // buffer_format_base64: byte buffers as base64, else Falco's printable rendering.
    bool bytes_base64 = false;

    // Text with missing values as <NA>.
    void render(const fields::Event& ev, std::string& out) const;
    // Appends the `output_fields` object: json_fields with typed values (missing: null),
    // plus time_key = ts as an integer, all in key order. scratch is reused text space.
    void append_fields_json(const fields::Event& ev, std::string_view time_key, uint64_t ts,
                            std::string& out, std::string& scratch) const;
};

// Compiles with the fields of `source`; throws std::runtime_error with Falco's wording for a
// bad template.
OutputTemplate compile_output(std::string_view format,
                              fields::SourceId source = fields::kSyscallSource);

// Adds fields to `output_fields` only (not the text), e.g. the join keys every node alert
// carries; throws like compile_output for a field the source does not have.
void add_json_only_fields(OutputTemplate& t, const std::vector<std::string>& names,
                          fields::SourceId source = fields::kSyscallSource);

// Adds an `output_fields` entry NAME whose value is FORMAT rendered (append_output's
// extra_fields {name: format}), or a constant (static_fields); throws std::runtime_error for a
// bad format or a name already in output_fields.
void add_formatted_field(OutputTemplate& t, const std::string& name, std::string_view format,
                         fields::SourceId source = fields::kSyscallSource);
void add_constant_field(OutputTemplate& t, const std::string& name, std::string_view value);

// A byte buffer as text: base64, or Falco's default (printable ASCII kept, other bytes '.').
void append_bytes_text(std::string_view bytes, bool base64, std::string& out);

// Appends an operand's value(s) as text; false when missing.
bool append_operand_text(const engine::Operand& op, const fields::Event& ev, std::string& out,
                         bool bytes_base64 = false);

}  // namespace sensor::engine
