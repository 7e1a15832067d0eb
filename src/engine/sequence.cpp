#include "sensor/engine/sequence.h"

#include <cctype>
#include <regex>

namespace sensor::engine {

std::vector<OutputPiece> split_sequence_output(const std::string& format) {
    static const std::regex token(R"(%([A-Za-z_][A-Za-z0-9_.]*(\[[^\]]*\])?))");
    std::vector<OutputPiece> out;
    size_t last = 0;
    for (std::sregex_iterator m(format.begin(), format.end(), token), end; m != end; ++m) {
        const auto at = static_cast<size_t>(m->position(0));
        out.push_back({format.substr(last, at - last), (*m)[1], at});
        last = at + static_cast<size_t>(m->length(0));
    }
    out.push_back({format.substr(last), "", format.size()});
    return out;
}

bool parse_duration(const std::string& text, uint64_t& ns) {
    struct Unit {
        const char* name;
        uint64_t ns;
    };
    static constexpr Unit kUnits[] = {
        {"ms", 1000000ull}, {"s", 1000000000ull}, {"m", 60000000000ull}, {"h", 3600000000000ull}};
    ns = 0;
    size_t i = 0;
    if (text.empty()) return false;
    while (i < text.size()) {
        size_t start = i;
        uint64_t n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
            n = n * 10 + static_cast<uint64_t>(text[i++] - '0');
        if (i == start || i - start > 12) return false;
        bool matched = false;
        for (const Unit& u : kUnits) {
            std::string_view name(u.name);
            if (text.compare(i, name.size(), name) == 0 &&
                !(name == "m" && text.compare(i, 2, "ms") == 0)) {
                ns += n * u.ns;
                i += name.size();
                matched = true;
                break;
            }
        }
        if (!matched) return false;
    }
    return ns > 0;
}

}  // namespace sensor::engine
