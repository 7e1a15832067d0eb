#pragma once
// A YAML document tree with source positions, built from yaml-cpp's parser events.
//
// We do not use YAML::LoadAll: yaml-cpp 0.7 (Debian 12) loops forever, allocating, on some
// malformed input (a stray ',' after a block scalar; upstream jbeder/yaml-cpp#1319, fixed only
// in 0.8.1). Driving the parser ourselves lets us stop when a document makes no progress.
#include <yaml-cpp/mark.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sensor::rules {

struct YNode;
using YNodePtr = std::shared_ptr<const YNode>;

struct YNode {
    enum class Kind { Null, Scalar, Sequence, Map };
    Kind kind = Kind::Null;
    YAML::Mark mark;
    std::string scalar;
    std::vector<YNodePtr> items;                       // Sequence
    std::vector<std::pair<YNodePtr, YNodePtr>> pairs;  // Map, in file order

    bool IsNull() const { return kind == Kind::Null; }
    bool IsScalar() const { return kind == Kind::Scalar; }
    bool IsSequence() const { return kind == Kind::Sequence; }
    bool IsMap() const { return kind == Kind::Map; }
    const std::string& Scalar() const { return scalar; }
    const YAML::Mark& Mark() const { return mark; }
};

struct YamlError : std::runtime_error {
    YAML::Mark mark;
    YamlError(const std::string& msg, YAML::Mark m) : std::runtime_error(msg), mark(m) {}
};

// All documents of a YAML stream; throws YamlError on a syntax error.
std::vector<YNodePtr> parse_yaml_documents(const std::string& content);

// YAML 1.1 booleans as yaml-cpp reads them (true/false, yes/no, on/off, y/n in any case form).
bool parse_yaml_bool(const std::string& s, bool& out);

}  // namespace sensor::rules
