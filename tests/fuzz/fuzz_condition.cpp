// Fuzzes the condition parser and compiler: any input must parse or fail with ParseError /
// CompileError, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sensor/condition/parser.h"
#include "sensor/engine/filter_builder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    sensor::condition::ast::NodePtr tree;
    try {
        tree = sensor::condition::parse_condition(text);
    } catch (const sensor::condition::ParseError&) {
        return 0;
    }
    (void)sensor::condition::ast::to_string(*tree);
    sensor::engine::FilterArena arena;
    sensor::engine::FilterBuilder b(
        arena, [](const std::string& name, uint32_t off) -> const sensor::engine::FilterNode* {
            throw sensor::engine::CompileError("no macros here: " + name, off);
        });
    std::vector<sensor::engine::CompileWarning> warnings;
    try {
        b.build(*tree, warnings);
    } catch (const sensor::engine::CompileError&) {
    }
    return 0;
}
