#pragma once
// Where things are in rules files: a loaded file's text, positions of YAML nodes, and text built
// from several located pieces (a condition plus its appends) that maps offsets back to files.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sensor/rules/diagnostics.h"

namespace sensor::rules {

struct SourceFile {
    std::string path;
    std::string content;
};

struct Location {
    std::shared_ptr<const SourceFile> file;
    size_t pos = 0;              // byte offset of the node in the file
    uint32_t line = 0, col = 0;  // 1-based
};

// A string value together with where each part of it came from.
struct LocatedText {
    struct Piece {
        size_t start;  // offset in `text`
        Location loc;  // where the scalar holding this piece starts
    };
    std::string text;
    std::vector<Piece> pieces;

    static LocatedText from(std::string s, Location loc) {
        LocatedText t;
        t.text = std::move(s);
        t.pieces.push_back({0, std::move(loc)});
        return t;
    }
    // Falco joins appended conditions/outputs with one space.
    void append(const LocatedText& more) {
        text += ' ';
        for (const auto& p : more.pieces) pieces.push_back({p.start + text.size(), p.loc});
        text += more.text;
    }
    // The file location of byte `offset` of text (best effort through YAML folding/escapes).
    Location locate(size_t offset) const;
};

// Fills file/line/col and a snippet (the source line and a caret) for `loc`.
void set_location(Diagnostic& d, const Location& loc);

}  // namespace sensor::rules
