#include "sensor/state/container_mounts.h"

#include <regex>

namespace sensor::state {

ContainerMount make_container_mount(std::string source, std::string dest, std::string mode,
                                    bool rdwr, std::string propagation) {
    ContainerMount m{
        std::move(source), std::move(dest), std::move(mode), std::move(propagation), rdwr, {}};
    m.text = m.source + ':' + m.dest + ':' + m.mode + ':' + (m.rdwr ? "true" : "false") + ':' +
             m.propagation;
    return m;
}

std::string render_mounts(const std::vector<ContainerMount>& mounts) {
    std::string out;
    for (const ContainerMount& m : mounts) {
        if (!out.empty()) out += ',';
        out += m.text;
    }
    return out;
}

std::vector<ContainerMount> parse_mounts(std::string_view text) {
    std::vector<ContainerMount> out;
    while (!text.empty()) {
        size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        std::string parts[5];
        for (int i = 0; i < 5; ++i) {
            size_t colon = i < 4 ? item.find(':') : std::string_view::npos;
            parts[i] = std::string(item.substr(0, colon));
            item = colon == std::string_view::npos ? std::string_view() : item.substr(colon + 1);
        }
        out.push_back(
            make_container_mount(parts[0], parts[1], parts[2], parts[3] == "true", parts[4]));
    }
    return out;
}

bool valid_mount_pattern(const std::string& pattern, std::string& error) {
    try {
        std::regex re(pattern);
        return true;
    } catch (const std::regex_error& e) {
        error = "not a regular expression (" + std::string(e.what()) + ")";
        return false;
    }
}

const ContainerMount* find_mount(const ContainerInfo& c, std::string_view pattern, bool by_dest) {
    for (const MountMatch& m : c.mount_matches)
        if (m.by_dest == by_dest && m.pattern == pattern)
            return m.index < 0 ? nullptr : &c.mount_list[static_cast<size_t>(m.index)];
    MountMatch match{std::string(pattern), by_dest, -1};
    try {
        std::regex re(match.pattern);
        for (size_t i = 0; i < c.mount_list.size() && match.index < 0; ++i) {
            const std::string& path = by_dest ? c.mount_list[i].dest : c.mount_list[i].source;
            if (std::regex_search(path, re)) match.index = static_cast<int>(i);
        }
    } catch (const std::regex_error&) {
        // Checked at load time (valid_mount_pattern); a bad pattern matches nothing.
    }
    c.mount_matches.push_back(std::move(match));
    const MountMatch& m = c.mount_matches.back();
    return m.index < 0 ? nullptr : &c.mount_list[static_cast<size_t>(m.index)];
}

}  // namespace sensor::state
