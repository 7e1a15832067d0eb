#include "source_text.h"

#include <cstdio>

namespace sensor::rules {
namespace {

bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Walks the raw YAML scalar starting at `start` alongside its parsed value and returns the raw
// position of value byte `k`. Folding (newline+indent -> space), block indentation and escapes
// are skipped; when the two cannot be aligned the scalar's start is returned.
size_t raw_position(const std::string& raw, size_t start, const std::string& value, size_t k) {
    size_t j = start;
    if (j < raw.size() && (raw[j] == '|' || raw[j] == '>')) {
        while (j < raw.size() && raw[j] != '\n') ++j;  // header line
    }
    char quote = (j < raw.size() && (raw[j] == '"' || raw[j] == '\'')) ? raw[j] : 0;
    if (quote) ++j;
    for (size_t i = 0; i < k && i < value.size(); ++i) {
        char c = value[i];
        if (j < raw.size() && raw[j] == c) {
            ++j;
            continue;
        }
        if (quote == '"' && j < raw.size() && raw[j] == '\\') {
            j += 2;
            continue;
        }
        if (quote == '\'' && j + 1 < raw.size() && raw[j] == '\'' && raw[j + 1] == '\'') {
            j += 2;
            continue;
        }
        if (is_ws(c)) {
            while (j < raw.size() && is_ws(raw[j])) ++j;
            continue;
        }
        while (j < raw.size() && is_ws(raw[j])) ++j;
        if (j < raw.size() && raw[j] == c) {
            ++j;
            continue;
        }
        return start;
    }
    // Pointing into the value: skip indentation to its next character. Past the value's end:
    // stay right after its last character.
    if (k < value.size())
        while (j < raw.size() && is_ws(raw[j])) ++j;
    return j <= raw.size() ? j : start;
}

void line_col(const std::string& content, size_t pos, uint32_t& line, uint32_t& col) {
    line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < pos && i < content.size(); ++i) {
        if (content[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    col = static_cast<uint32_t>(pos - line_start + 1);
}

}  // namespace

Location LocatedText::locate(size_t offset) const {
    if (pieces.empty()) return {};
    size_t idx = 0;
    for (size_t i = 0; i < pieces.size(); ++i)
        if (pieces[i].start <= offset) idx = i;
    const Piece& p = pieces[idx];
    if (!p.loc.file) return p.loc;
    size_t end = idx + 1 < pieces.size() ? pieces[idx + 1].start - 1 : text.size();
    std::string value = text.substr(p.start, end - p.start);
    Location out = p.loc;
    out.pos = raw_position(p.loc.file->content, p.loc.pos, value, offset - p.start);
    line_col(p.loc.file->content, out.pos, out.line, out.col);
    return out;
}

void set_location(Diagnostic& d, const Location& loc) {
    if (!loc.file) return;
    d.file = loc.file->path;
    d.line = loc.line;
    d.col = loc.col;
    const std::string& c = loc.file->content;
    if (loc.pos > c.size()) return;
    size_t ls = c.rfind('\n', loc.pos == 0 ? 0 : loc.pos - 1);
    ls = (ls == std::string::npos || loc.pos == 0) ? 0 : ls + 1;
    if (loc.pos > 0 && c[loc.pos - 1] == '\n') ls = loc.pos;
    size_t le = c.find('\n', loc.pos);
    if (le == std::string::npos) le = c.size();
    std::string line;
    size_t caret = 0;
    for (size_t i = ls; i < le && line.size() < 300; ++i) {
        unsigned char ch = static_cast<unsigned char>(c[i]);
        // Control bytes (binary input) are shown escaped so the report stays one readable line.
        if (ch < 0x20 && ch != '\t') {
            char esc[8];
            snprintf(esc, sizeof esc, "\\x%02x", ch);
            line += esc;
        } else {
            line += static_cast<char>(ch);
        }
        if (i < loc.pos) caret = line.size();
    }
    if (le - ls > 300) line += "...";
    d.snippet = line + "\n" + std::string(caret, ' ') + "^\n";
}

}  // namespace sensor::rules
