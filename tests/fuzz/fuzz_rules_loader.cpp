// Fuzzes the whole rules loader (YAML, collection, compilation) with arbitrary file content.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sensor/rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string content(reinterpret_cast<const char*>(data), size);
    auto r = sensor::rules::load_rules_contents({{"fuzz.yaml", content}});
    (void)r;
    return 0;
}
