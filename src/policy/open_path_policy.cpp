#include "sensor/policy/open_path_policy.h"

#include <algorithm>
#include <set>

#include "record.h"
#include "sensor/capture/probe_config.h"
#include "sensor/events/event_types.h"
#include "sensor/events/open_flags.h"
#include "sensor/events/syscall_table.h"

namespace sensor::policy {
namespace {

using engine::Check;
using engine::CmpOp;
using engine::FilterNode;

// What a (sub)condition allows of an open's path: anything (`all`), or one of the atoms
// (none at all: the condition cannot hold for an open).
struct PathSet {
    bool all = false;
    std::vector<std::string> prefixes, suffixes, name, raw;

    static PathSet any() { return PathSet{true, {}, {}, {}, {}}; }
    static PathSet none() { return PathSet{}; }
    bool empty() const {
        return !all && prefixes.empty() && suffixes.empty() && name.empty() && raw.empty();
    }
    // What the probe pays for it per open. A prefix or suffix is a compare; a name needle a
    // scan of the kernel path, which is at hand; a raw needle a read of the process's memory
    // and a scan, which measured as much as the rest of the filter together.
    size_t cost() const {
        return prefixes.size() + suffixes.size() + 4 * name.size() + 32 * raw.size();
    }
};

PathSet unite(PathSet a, PathSet b) {
    if (a.all || b.all) return PathSet::any();
    for (auto& s : b.prefixes) a.prefixes.push_back(std::move(s));
    for (auto& s : b.suffixes) a.suffixes.push_back(std::move(s));
    for (auto& s : b.name) a.name.push_back(std::move(s));
    for (auto& s : b.raw) a.raw.push_back(std::move(s));
    return a;
}

// Both must hold, so either side alone over-approximates: keep the cheaper one.
PathSet intersect(PathSet a, PathSet b) {
    if (a.empty() || b.empty()) return PathSet::none();
    if (a.all) return b;
    if (b.all) return a;
    return b.cost() < a.cost() ? b : a;
}

bool is_open_type(const std::vector<uint8_t>& open_types, const std::vector<uint8_t>& mask) {
    for (size_t i = 0; i < open_types.size() && i < mask.size(); ++i)
        if (open_types[i] && mask[i]) return true;
    return false;
}

// The literal text before a glob's first wildcard.
std::string glob_head(const std::string& g) {
    return g.substr(0, g.find_first_of("*?[\\"));
}

// A positive (not negated) check, as path atoms.
PathSet path_check(const Check& k) {
    if (!k.lhs->is_field() || k.rhs || k.lhs->multi || k.strs.empty()) return PathSet::any();
    std::string_view field = k.lhs->field.def->name;
    // The probe filters opens of regular files, directories and devices only (a device's
    // fd.type is file): a check that asks for another kind of fd (a dup of a socket) cannot
    // hold for one of their fds.
    if ((field == "fd.type" || field == "fd.typechar") &&
        (k.op == CmpOp::Eq || k.op == CmpOp::In)) {
        bool file_kind = std::any_of(k.strs.begin(), k.strs.end(), [](const std::string& v) {
            return v == "file" || v == "directory" || v == "f" || v == "d";
        });
        return file_kind ? PathSet::any() : PathSet::none();
    }
    PathSet out;
    auto each = [&](std::vector<std::string>& into, auto&& transform) {
        for (const auto& s : k.strs) into.push_back(transform(s));
        return out;
    };
    auto same = [](const std::string& s) { return s; };
    auto needle = [](const std::string& s) { return s.substr(0, 4); };  // its start is one too
    // The file name and the directory are parts of the name: what they contain, it does.
    // fd.fspath is judged like fd.name: the probe compares the file's fs-root path too when a
    // rule names it (a suffix of the kernel path; an open whose one is not is sent).
    if (k.op == CmpOp::Contains && (field == "fd.name" || field == "fd.fspath" ||
                                    field == "fd.filename" || field == "fd.directory"))
        return each(out.name, needle);
    bool name = field == "fd.name" || field == "fd.fspath";
    if (name || field == "fd.directory") {  // the directory is the start of the name
        switch (k.op) {
            case CmpOp::Eq:
            case CmpOp::In:
            case CmpOp::StartsWith:
                return each(out.prefixes, same);
            case CmpOp::PMatch:
                // pmatch compares '/'-separated components (a relative or doubled-slash pattern
                // still matches absolute paths) and may hold wildcards: only a plain absolute
                // pattern's literal head is a byte prefix of the paths it matches.
                for (const auto& s : k.strs)
                    if (s.empty() || s[0] != '/' || s.find("//") != std::string::npos)
                        return PathSet::any();
                return each(out.prefixes, [](const std::string& s) {
                    std::string head = glob_head(s);  // `/etc/` also matches `/etc` itself
                    while (head.size() > 1 && head.back() == '/') head.pop_back();
                    return head;
                });
            case CmpOp::Glob:
                return each(out.prefixes, glob_head);
            case CmpOp::EndsWith:
                return name ? each(out.suffixes, same) : PathSet::any();
            default:
                return PathSet::any();
        }
    }
    if (field == "fd.filename") {  // the file name is the end of the name
        switch (k.op) {
            case CmpOp::Eq:
            case CmpOp::In:
            case CmpOp::EndsWith:
                return each(out.suffixes, same);
            default:
                return PathSet::any();
        }
    }
    if (field == "fd.nameraw" && k.op == CmpOp::Contains) return each(out.raw, needle);
    return PathSet::any();
}

PathSet walk(const FilterNode& n, bool negated, const std::vector<uint8_t>& open_types) {
    switch (n.kind) {
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or: {
            bool conj = (n.kind == FilterNode::Kind::And) != negated;  // De Morgan
            PathSet acc = conj ? PathSet::any() : PathSet::none();
            for (const FilterNode* k : n.kids) {
                PathSet m = walk(*k, negated, open_types);
                acc = conj ? intersect(std::move(acc), std::move(m))
                           : unite(std::move(acc), std::move(m));
            }
            return acc;
        }
        case FilterNode::Kind::Not:
            return walk(*n.kids[0], !negated, open_types);
        case FilterNode::Kind::Macro:
            return walk(*n.target, negated, open_types);
        case FilterNode::Kind::Const:
            return n.const_value != negated ? PathSet::any() : PathSet::none();
        case FilterNode::Kind::Check: {
            const Check& k = *n.check;
            if (k.evt_type) {
                std::vector<uint8_t> m = k.type_mask;
                if ((k.op == CmpOp::Ne) != negated)
                    for (auto& b : m) b = !b;
                return is_open_type(open_types, m) ? PathSet::any() : PathSet::none();
            }
            if (engine::is_never_true(k)) return negated ? PathSet::any() : PathSet::none();
            if (negated) return PathSet::any();
            return path_check(k);
        }
    }
    return PathSet::any();
}

// The probe's write filter judges the opens whose flags argument has one of these bits, and
// every open of a call without one (openat2, creat): see open_filter_of in the probe.
static_assert(SENSOR_OPEN_WRITE_FLAGS == (events::oflags::kWrOnly | events::oflags::kRdWr |
                                          events::oflags::kCreat | events::oflags::kTrunc));

using Types = std::vector<uint8_t>;  // by event type

// Whether a check on the open's flags holds only for opens the write filter judges:
// evt.is_open_write (O_WRONLY, O_RDWR) or evt.is_open_create (the call created the file: it
// gave O_CREAT or O_TMPFILE) being true, or evt.arg.flags containing a write, create or
// truncate flag.
bool flags_check_writes(const Check& k) {
    if (!k.lhs->is_field() || k.rhs || k.lhs->multi) return false;
    std::string_view field = k.lhs->field.def->name;
    if (field == "evt.is_open_write" || field == "evt.is_open_create")
        return k.op == CmpOp::Eq && k.bools.size() == 1 && k.bools[0];
    if (field != "evt.arg" || k.lhs->field.arg.key != "flags" || k.op != CmpOp::Contains ||
        k.strs.empty())
        return false;
    return std::all_of(k.strs.begin(), k.strs.end(), [](const std::string& v) {
        return v == "O_WRONLY" || v == "O_RDWR" || v == "O_CREAT" || v == "O_TRUNC" ||
               v == "O_TMPFILE";
    });
}

// Whether a type check leaves only opens the write filter judges (or none at all).
bool types_write(const Types& mask, const Types& open_types, const Types& write_types) {
    for (size_t t = 0; t < mask.size() && t < open_types.size(); ++t)
        if (mask[t] && open_types[t] && !write_types[t]) return false;
    return true;
}

// Whether a (sub)condition can hold only for opens the write filter judges (or for no open,
// nor a later event on its fd, at all). Conservative: false when unsure.
bool only_writes(const FilterNode& n, bool negated, const Types& open_types,
                 const Types& write_types) {
    auto kid = [&](const FilterNode* k) {
        return only_writes(*k, negated, open_types, write_types);
    };
    switch (n.kind) {
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or:
            if ((n.kind == FilterNode::Kind::And) != negated)  // De Morgan
                return std::any_of(n.kids.begin(), n.kids.end(), kid);
            return !n.kids.empty() && std::all_of(n.kids.begin(), n.kids.end(), kid);
        case FilterNode::Kind::Not:
            return only_writes(*n.kids[0], !negated, open_types, write_types);
        case FilterNode::Kind::Macro:
            return only_writes(*n.target, negated, open_types, write_types);
        case FilterNode::Kind::Const:
            return n.const_value == negated;  // cannot hold
        case FilterNode::Kind::Check: {
            const Check& k = *n.check;
            if (k.evt_type) {
                Types m = k.type_mask;
                if ((k.op == CmpOp::Ne) != negated)
                    for (auto& b : m) b = !b;
                return types_write(m, open_types, write_types);
            }
            if (engine::is_never_true(k)) return !negated;
            return !negated && flags_check_writes(k);
        }
    }
    return false;
}

// Path atoms, gathered for one of the filters.
struct Atoms {
    std::set<std::string> prefixes, suffixes, name, raw;
    void add(const PathSet& s) {
        for (auto& p : s.prefixes) prefixes.insert(p.substr(0, SENSOR_PATH_KEY_BYTES));
        for (auto& p : s.suffixes)
            suffixes.insert(
                p.size() > SENSOR_PATH_KEY_BYTES ? p.substr(p.size() - SENSOR_PATH_KEY_BYTES) : p);
        for (auto& p : s.name) name.insert(p);
        for (auto& p : s.raw) raw.insert(p);
    }
    Atoms with(const Atoms& o) const {
        Atoms u = *this;
        u.prefixes.insert(o.prefixes.begin(), o.prefixes.end());
        u.suffixes.insert(o.suffixes.begin(), o.suffixes.end());
        u.name.insert(o.name.begin(), o.name.end());
        u.raw.insert(o.raw.begin(), o.raw.end());
        return u;
    }
};

bool has_blank(const PathSet& s) {
    auto blank = [](const std::vector<std::string>& v) {
        return std::any_of(v.begin(), v.end(), [](auto& x) { return x.empty(); });
    };
    return blank(s.prefixes) || blank(s.suffixes) || blank(s.name) || blank(s.raw);
}

// Why the probe cannot hold these atoms in one filter; empty when it can.
std::string over_capacity(const Atoms& a) {
    for (const auto& [field, needles] : {std::pair{"fd.name", &a.name}, {"fd.nameraw", &a.raw}}) {
        if (needles->size() > SENSOR_RAW_NEEDLES)
            return std::string("the rules search ") + field + " for " +
                   std::to_string(needles->size()) + " strings; the probe can look for " +
                   std::to_string(SENSOR_RAW_NEEDLES);
    }
    // The probe first compares the first and last 16 bytes against a table of each.
    auto distinct = [](const std::set<std::string>& items, bool suffix) {
        std::set<std::string_view> compared;
        for (const auto& i : items) compared.insert(capture::compared_bytes(i, suffix));
        return compared.size();
    };
    size_t heads = distinct(a.prefixes, false), tails = distinct(a.suffixes, true);
    if (heads > SENSOR_PATH_PATTERNS || tails > SENSOR_PATH_PATTERNS)
        return "the rules name paths with " + std::to_string(heads) + " different starts and " +
               std::to_string(tails) + " different ends; the probe can compare " +
               std::to_string(SENSOR_PATH_PATTERNS) + " of each";
    return {};
}

void assign(const Atoms& a, std::vector<std::string>& prefixes, std::vector<std::string>& suffixes,
            std::vector<std::string>& name, std::vector<std::string>& raw) {
    prefixes.assign(a.prefixes.begin(), a.prefixes.end());
    suffixes.assign(a.suffixes.begin(), a.suffixes.end());
    name.assign(a.name.begin(), a.name.end());
    raw.assign(a.raw.begin(), a.raw.end());
}

// The open types (see open_path_filter) and, of them, those the write filter judges whatever
// their flags: path-filtered opens without a flags argument.
void filter_types(Types& open_types, Types& write_types) {
    open_types.assign(events::event_type_count(), 0);
    write_types.assign(events::event_type_count(), 0);
    for (const events::SyscallEntry& e : events::syscall_entries()) {
        if (events::path_filtered(e) || events::uses_fd_table(e)) open_types[e.type] = 1;
        if (events::path_filtered(e) && e.args.flags == SENSOR_NO_ARG) write_types[e.type] = 1;
    }
}

}  // namespace

capture::OpenPathFilter open_path_filter(const engine::Ruleset& rules) {
    // Rules on the events whose fd fields come from the sensor's fd table are judged as if on
    // the open: the table has a name only for an fd whose open was sent. /proc cannot stand in
    // for it: at a close the fd is already gone, and a dup's process may have closed it or
    // exited by the time the record is read.
    Types open_types, write_types;
    filter_types(open_types, write_types);

    capture::OpenPathFilter out;
    Atoms all, writes;  // every open's; those only opens that write, create or truncate need
    for (const auto& r : rules.rules) {
        if (!r.enabled || r.source != fields::kSyscallSource || !is_open_type(open_types, r.types))
            continue;
        PathSet s = walk(*r.filter, false, open_types);
        const bool only_write = only_writes(*r.filter, false, open_types, write_types);
        if ((s.all || has_blank(s)) && only_write) {
            out.write_pass_all = true;
            out.write_reason = "rule '" + r.name + "' may match one of any path";
        } else if (s.all || has_blank(s)) {
            out.reason =
                "rule '" + r.name + "' may match an open, or a later event on its fd, of any path";
            return out;
        }
        (only_write ? writes : all).add(s);
    }
    if (std::string why = over_capacity(all); !why.empty()) {
        out.reason = why;
        return out;
    }
    // The write filter holds both sets; when they do not fit, it sends every such open.
    if (std::string why = over_capacity(all.with(writes)); !why.empty() && !out.write_pass_all) {
        out.write_pass_all = true;
        out.write_reason = why;
    }
    out.pass_all = false;
    assign(all, out.prefixes, out.suffixes, out.name_contains, out.raw_contains);
    if (!out.write_pass_all)
        assign(writes, out.write_prefixes, out.write_suffixes, out.write_name_contains,
               out.write_raw_contains);
    return out;
}

}  // namespace sensor::policy
