#include "sensor/policy/file_identity_policy.h"

#include <sys/stat.h>

#include <set>

#include "record.h"

namespace sensor::policy {
namespace {

using engine::Check;
using engine::CmpOp;
using engine::FilterNode;

bool is_path_field(const Check& k, std::string_view name) {
    return k.lhs && k.lhs->is_field() && k.lhs->field.def && k.lhs->field.def->name == name;
}

// What the rules say of file identity: the literal absolute paths compared for equality with
// fd.name or fd.fspath where the check is not negated (a negated one only excludes files), and
// whether fd.fspath is compared at all.
struct Named {
    std::set<std::string> paths;
    bool fspath = false;
};

void collect(const FilterNode& n, bool negated, Named& out) {
    switch (n.kind) {
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or:
            for (const FilterNode* k : n.kids) collect(*k, negated, out);
            return;
        case FilterNode::Kind::Not:
            collect(*n.kids[0], !negated, out);
            return;
        case FilterNode::Kind::Macro:
            collect(*n.target, negated, out);
            return;
        case FilterNode::Kind::Const:
            return;
        case FilterNode::Kind::Check: {
            const Check& k = *n.check;
            bool fspath = is_path_field(k, "fd.fspath");
            out.fspath = out.fspath || fspath;
            if (negated || k.rhs || (!fspath && !is_path_field(k, "fd.name"))) return;
            if (k.op != CmpOp::Eq && k.op != CmpOp::In) return;
            for (const std::string& s : k.strs)
                if (s.size() > 1 && s[0] == '/') out.paths.insert(s);
            return;
        }
    }
}

}  // namespace

capture::IdentitySet file_identity(const engine::Ruleset& rules, const std::string& root) {
    Named named;
    for (const auto& r : rules.rules)
        if (r.enabled && r.source == fields::kSyscallSource) collect(*r.filter, false, named);
    capture::IdentitySet out;
    out.fspath = named.fspath;
    std::set<std::pair<uint64_t, uint64_t>> seen;
    std::string host_path;
    for (const std::string& path : named.paths) {
        host_path = root == "/" ? path : root + path;
        struct stat st {};
        if (::stat(host_path.c_str(), &st) != 0) {
            ++out.not_found;
            continue;
        }
        auto id = std::pair(static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino));
        if (!seen.insert(id).second) continue;  // another name of a file already known
        if (out.files.size() >= SENSOR_IDENTITY_MAX) {
            ++out.over_limit;
            continue;
        }
        out.files.push_back({path, id.first, id.second});
    }
    return out;
}

}  // namespace sensor::policy
