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

}  // namespace sensor::state
