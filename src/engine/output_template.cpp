#include "sensor/engine/output_template.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "sensor/condition/parser.h"
#include "sensor/fields/json_text.h"

namespace sensor::engine {

using fields::append_json_int;
using fields::append_json_string;
using fields::append_json_uint;

namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// After '%': the longest prefix that compiles to a field or transformer (Falco retries with
// shorter input, so `%proc.name.` is proc.name followed by a literal '.').
std::unique_ptr<engine::Operand> compile_token(std::string_view text, fields::SourceId source,
                                               size_t& used) {
    std::string last_error;
    size_t limit = text.size();
    while (limit > 0) {
        condition::ast::Operand parsed;
        size_t n = condition::parse_output_operand(text.substr(0, limit), parsed);
        if (n == 0) {
            // Not even a parse (e.g. an unclosed `[` now cut short): try shorter still.
            --limit;
            continue;
        }
        try {
            auto op = engine::compile_operand(parsed, source);
            used = n;
            return op;
        } catch (const std::exception& e) {
            if (last_error.empty()) last_error = e.what();
        }
        limit = n - 1;
    }
    size_t end = 0;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    std::string msg = "invalid formatting token %" + std::string(text.substr(0, end));
    if (!last_error.empty()) msg += ": " + last_error;
    throw std::runtime_error(msg);
}

}  // namespace

OutputTemplate compile_output(std::string_view format, fields::SourceId source) {
    OutputTemplate t;
    std::string literal;
    size_t i = 0;
    while (i < format.size()) {
        char c = format[i];
        if (c != '%') {
            literal += c;
            ++i;
            continue;
        }
        ++i;
        if (i >= format.size()) throw std::runtime_error("formatting cannot end with a %");
        size_t width = 0;
        while (i < format.size() && format[i] >= '0' && format[i] <= '9')
            width = width * 10 + static_cast<size_t>(format[i++] - '0');
        if (i >= format.size() || !is_alpha(format[i]))
            throw std::runtime_error("empty formatting token");
        if (format.substr(i, 14) == "container.info" &&
            (i + 14 >= format.size() ||
             !(is_alpha(format[i + 14]) || format[i + 14] == '.' || format[i + 14] == '_'))) {
            t.used_container_info = true;
            i += 14;
            continue;
        }
        size_t used = 0;
        auto op = compile_token(format.substr(i), source, used);
        i += used;
        OutputToken tok;
        tok.literal = std::move(literal);
        literal.clear();
        tok.operand = std::move(op);
        tok.width = width;
        t.tokens.push_back(std::move(tok));
    }
    if (!literal.empty()) {
        OutputToken tok;
        tok.literal = std::move(literal);
        t.tokens.push_back(std::move(tok));
    }
    for (const auto& tok : t.tokens) {
        if (!tok.operand || !tok.operand->is_field()) continue;
        std::string key;
        append_json_string(key, tok.operand->text);
        t.json_fields.push_back({tok.operand.get(), key + ':'});
    }
    using F = OutputTemplate::JsonField;
    std::stable_sort(t.json_fields.begin(), t.json_fields.end(),
                     [](const F& a, const F& b) { return a.operand->text < b.operand->text; });
    t.json_fields.erase(
        std::unique(t.json_fields.begin(), t.json_fields.end(),
                    [](const F& a, const F& b) { return a.operand->text == b.operand->text; }),
        t.json_fields.end());
    return t;
}

void add_json_only_fields(OutputTemplate& t, const std::vector<std::string>& names,
                          fields::SourceId source) {
    for (const std::string& name : names) {
        bool present = false;
        for (const auto& jf : t.json_fields) present |= jf.operand->text == name;
        if (present) continue;
        OutputTemplate one = compile_output("%" + name, source);
        if (one.tokens.empty() || !one.tokens[0].operand) continue;
        t.json_only.push_back(std::move(one.tokens[0].operand));
        std::string key;
        append_json_string(key, t.json_only.back()->text);
        t.json_fields.push_back({t.json_only.back().get(), key + ':'});
    }
    using F = OutputTemplate::JsonField;
    std::stable_sort(t.json_fields.begin(), t.json_fields.end(),
                     [](const F& a, const F& b) { return a.operand->text < b.operand->text; });
}

void add_formatted_field(OutputTemplate& t, const std::string& name, std::string_view format,
                         fields::SourceId source) {
    auto sub = std::make_shared<OutputTemplate>(compile_output(format, source));
    sub->bytes_base64 = t.bytes_base64;
    add_constant_field(t, name, "");
    for (auto& nf : t.named_fields)
        if (nf.name == name) nf.format = std::move(sub);
}

void add_constant_field(OutputTemplate& t, const std::string& name, std::string_view value) {
    for (const auto& jf : t.json_fields)
        if (jf.operand->text == name)
            throw std::runtime_error("output field '" + name + "' is already in output_fields");
    for (const auto& nf : t.named_fields)
        if (nf.name == name)
            throw std::runtime_error("output field '" + name + "' is defined twice");
    OutputTemplate::NamedField nf;
    nf.name = name;
    append_json_string(nf.key_json, name);
    nf.key_json += ':';
    append_json_string(nf.constant_json, value);
    auto at = std::lower_bound(
        t.named_fields.begin(), t.named_fields.end(), name,
        [](const OutputTemplate::NamedField& a, const std::string& n) { return a.name < n; });
    t.named_fields.insert(at, std::move(nf));
}

void append_bytes_text(std::string_view bytes, bool base64, std::string& out) {
    if (base64)
        fields::append_base64(bytes, out);
    else
        fields::append_buffer_dots(bytes, out);
}

bool append_operand_text(const engine::Operand& op, const fields::Event& ev, std::string& out,
                         bool bytes_base64) {
    fields::Value v;
    auto append_one = [&](const fields::Value& val) {
        if (op.type == fields::FieldType::Bytes) {
            append_bytes_text(val.str, bytes_base64 || fields::buffer_format_base64(), out);
        } else if (op.field.def) {
            fields::append_value_text(*op.field.def, val, out);
        } else if (fields::is_stringy(op.type) || op.type == fields::FieldType::Bytes) {
            out += val.str;
        } else {
            out += std::to_string(val.i64);
        }
    };
    if (!op.multi || (op.field.def && op.field.def->any_of)) {
        if (!op.get(ev, 0, v)) return false;
        append_one(v);
        return true;
    }
    // A list field prints as Falco's libs print lists: `(a,b)`.
    if (op.field.def && op.field.def->list_valued) {
        uint32_t n = 0;
        for (; op.get(ev, n, v); ++n) {
            out += n ? ',' : '(';
            append_one(v);
        }
        if (n) out += ')';
        return n > 0;
    }
    // Several values (ancestor chain): space separated, as Falco prints `proc.aname`.
    uint32_t n = 0;
    for (; op.get(ev, n, v); ++n) {
        if (n) out += ' ';
        append_one(v);
    }
    return n > 0;
}

// A list field in output_fields: a JSON array of its values, null when it has none.
static void append_list_json(const engine::Operand& op, const fields::Event& ev, std::string& out) {
    fields::Value v;
    std::string one;
    uint32_t n = 0;
    for (; op.get(ev, n, v); ++n) {
        out += n ? ',' : '[';
        one.clear();
        fields::append_value_text(*op.field.def, v, one);
        append_json_string(out, one);
    }
    out += n ? "]" : "null";
}

void OutputTemplate::render(const fields::Event& ev, std::string& out) const {
    for (const auto& t : tokens) {
        out += t.literal;
        if (!t.operand) continue;
        size_t start = out.size();
        if (!append_operand_text(*t.operand, ev, out, bytes_base64)) out += "<NA>";
        if (t.width) {
            size_t len = out.size() - start;
            if (len > t.width)
                out.resize(start + t.width);
            else
                out.append(t.width - len, ' ');
        }
    }
}

void OutputTemplate::append_fields_json(const fields::Event& ev, std::string_view time_key,
                                        uint64_t ts, std::string& out, std::string& scratch) const {
    using fields::FieldType;
    out += '{';
    bool first = true;
    bool time_done = false;
    auto put_time = [&] {
        if (!first) out += ',';
        first = false;
        append_json_string(out, time_key);
        out += ':';
        append_json_uint(out, ts);
        time_done = true;
    };
    size_t named = 0;
    auto put_named_below = [&](std::string_view bound, bool all) {
        for (; named < named_fields.size() && (all || named_fields[named].name < bound); ++named) {
            const NamedField& nf = named_fields[named];
            if (!first) out += ',';
            first = false;
            out += nf.key_json;
            if (!nf.format) {
                out += nf.constant_json;
                continue;
            }
            scratch.clear();
            nf.format->render(ev, scratch);
            append_json_string(out, scratch);
        }
    };
    for (const JsonField& jf : json_fields) {
        const engine::Operand& op = *jf.operand;
        put_named_below(
            time_done ? std::string_view(op.text) : std::min<std::string_view>(op.text, time_key),
            false);
        if (!time_done && time_key <= op.text) {
            put_time();
            put_named_below(op.text, false);
            if (op.text == time_key) continue;  // the event's own time wins, as an integer
        }
        const fields::FieldDef& def = *op.field.def;
        if (!first) out += ',';
        first = false;
        out += jf.key_json;
        bool single = !op.multi || def.any_of;
        if (def.list_valued) {
            append_list_json(op, ev, out);
            continue;
        }
        if (!single || def.json_string || fields::is_stringy(def.type) ||
            def.type == FieldType::Ip || def.type == FieldType::Net ||
            def.type == FieldType::Bytes) {
            scratch.clear();
            if (append_operand_text(op, ev, scratch, bytes_base64))
                append_json_string(out, scratch);
            else
                out += "null";
            continue;
        }
        fields::Value v;
        if (!op.get(ev, 0, v)) {
            out += "null";
            continue;
        }
        switch (def.type) {
            case FieldType::Int64:
                append_json_int(out, v.i64);
                break;
            case FieldType::Bool:
                out += v.b ? "true" : "false";
                break;
            case FieldType::Double:
                fields::append_value_text(def, v, out);  // a JSON number too
                break;
            default:
                append_json_uint(out, v.u64);
                break;
        }
    }
    if (!time_done) {
        put_named_below(time_key, false);
        put_time();
    }
    put_named_below({}, true);
    out += '}';
}

}  // namespace sensor::engine
