#include "sensor/state/paths.h"

#include <cstring>
#include <string_view>

namespace sensor::state {

void normalize_path(std::string& p) {
    if (p.empty() || p[0] != '/') p.insert(p.begin(), '/');
    size_t out = 0;
    size_t i = 0;
    while (i < p.size()) {
        while (i < p.size() && p[i] == '/') ++i;
        size_t start = i;
        while (i < p.size() && p[i] != '/') ++i;
        std::string_view comp(p.data() + start, i - start);
        if (comp.empty() || comp == ".") continue;
        if (comp == "..") {
            while (out > 0 && p[out - 1] != '/') --out;
            if (out > 0) --out;  // drop the slash too
            continue;
        }
        p[out++] = '/';
        std::memmove(&p[out], comp.data(), comp.size());
        out += comp.size();
    }
    if (out == 0) p[out++] = '/';
    p.resize(out);
}

namespace {

bool has_dotdot(std::string_view p) {
    for (size_t i = 0; (i = p.find("..", i)) != std::string_view::npos; i += 2) {
        bool starts = i == 0 || p[i - 1] == '/';
        bool ends = i + 2 == p.size() || p[i + 2] == '/';
        if (starts && ends) return true;
    }
    return false;
}

}  // namespace

bool raw_path_leads_to(std::string_view raw, std::string_view base, std::string_view opened,
                       std::string& scratch) {
    if (raw.empty()) return true;  // nothing to compare (the call named no path)
    if (raw[0] == '/') {
        scratch.assign(raw);
        normalize_path(scratch);
        return scratch == opened;
    }
    if (!base.empty()) {
        scratch.assign(base);
        scratch += '/';
        scratch += raw;
        normalize_path(scratch);
        if (scratch == opened) return true;
    }
    if (has_dotdot(raw)) return false;
    scratch.assign(raw);
    normalize_path(scratch);  // "/" + raw, without "." and "//": a component-bounded suffix
    return opened.size() >= scratch.size() &&
           opened.substr(opened.size() - scratch.size()) == scratch;
}

}  // namespace sensor::state
