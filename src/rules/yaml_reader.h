#pragma once
#include <memory>
#include <string>
#include <vector>

#include "collector.h"

namespace sensor::rules {

struct EngineVersion {
    unsigned long major = 0, minor = 0, patch = 0;
    std::string str() const {
        return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    }
    bool operator<(const EngineVersion& o) const {
        if (major != o.major) return major < o.major;
        if (minor != o.minor) return minor < o.minor;
        return patch < o.patch;
    }
    bool operator<=(const EngineVersion& o) const { return !(o < *this); }
};

// The Falco engine version whose rule language this sensor implements (Falco 0.44.x).
inline const EngineVersion kEngineVersion{0, 62, 0};

struct RequiredPlugin {
    struct Alternative {
        std::string name, version;
    };
    std::string name, version;
    Location loc;
    std::vector<Alternative> alternatives;
};

// State accumulated across files while reading.
struct ReadState {
    EngineVersion required_engine_version;
    std::vector<RequiredPlugin> required_plugins;
};

// Reads a file's items into the collector. Throws LoadError on the first error; warnings are
// appended.
void read_rules_file(std::shared_ptr<const SourceFile> file, Collector& collector,
                     std::vector<Diagnostic>& warnings, ReadState& state);

}  // namespace sensor::rules
