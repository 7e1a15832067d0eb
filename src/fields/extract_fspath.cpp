// fs.path.* (the filesystem paths a syscall names, resolved or as passed), evt.abspath (a
// dirfd-relative path argument made absolute) and fdlist.* (poll's fd list). Which argument
// feeds which field is the syscall table's (events::path_roles), after libs.
#include <string_view>
#include <vector>

#include "extract_util.h"
#include "field_tables.h"
#include "sensor/events/linux_abi.h"
#include "sensor/events/syscall_table.h"
#include "sensor/state/fd_table.h"
#include "sensor/state/paths.h"

namespace sensor::fields::detail {
namespace {

using events::PathBase;
using events::PathRole;
using events::PathRoles;

// Appends the directory a dirfd names, with a trailing '/'; false when unknown.
bool append_dirfd_dir(const Event& ev, std::string_view dirfd_param, std::string& out) {
    const EventParam* p = ev.param(dirfd_param);
    if (!p || !p->has_raw) return false;
    if (static_cast<int32_t>(p->raw) == events::abi::kAtFdCwd) {
        out += ev.proc->cwd;
    } else {
        const FdInfo* d = ev.fds ? ev.fds->find(ev.proc->pid, p->raw) : nullptr;
        if (!d || d->name.empty()) return false;
        out += d->name;
    }
    if (out.empty() || out.back() != '/') out += '/';
    return true;
}

// The raw text of a path argument ("fd": the event's fd name).
bool raw_path(const Event& ev, const PathRole& a, std::string_view& out) {
    if (a.param.empty()) return false;
    if (a.param == "fd") {
        if (!ev.fd) return false;
        out = ev.fd->name;
        return true;
    }
    const EventParam* p = ev.param(a.param);
    if (!p) return false;
    out = p->text;
    return true;
}

// Resolves a relative path as libs does; "<UNKNOWN>" prefixes are kept as they are.
bool resolve(const Event& ev, const PathRole& a, std::string_view raw, std::string& out) {
    out.clear();
    if (raw.empty() || raw[0] != '/') {
        switch (a.base) {
            case PathBase::Cwd:
                out = ev.proc->cwd;
                break;
            case PathBase::FdName:
                if (!ev.fd) return false;
                out = ev.fd->name;
                state::normalize_path(out);
                return true;
            case PathBase::Dirfd:
                if (append_dirfd_dir(ev, a.dirfd, out)) break;
                [[fallthrough]];
            case PathBase::Unknown:
                out.assign("<UNKNOWN>/").append(raw);
                return true;
        }
        if (out.empty() || out.back() != '/') out += '/';
    }
    out += raw;
    state::normalize_path(out);
    return true;
}

enum class Which { Path, Source, Target };

template <Which W, bool Raw>
bool fs_path(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string& scratch) {
    const PathRoles* r = events::path_roles(ev.type);
    if (!r || !ev.proc || !ev.has_res) return false;
    if (r->success_is_fd ? ev.res == -1 : ev.res != 0) return false;
    const PathRole& a = W == Which::Path ? r->path : W == Which::Source ? r->source : r->target;
    std::string_view raw;
    if (!raw_path(ev, a, raw)) return false;
    if (Raw) return put_str(out, raw);
    return resolve(ev, a, raw, scratch) && put_scratch(out, scratch);
}

// evt.abspath, evt.abspath.src (the same), evt.abspath.dst.
bool evt_abspath(const Event& ev, const FieldArg& arg, uint32_t, Value& out, std::string& scratch) {
    const PathRoles* r = events::path_roles(ev.type);
    if (!r || !ev.proc) return false;
    const PathRole& a = r->abspath[arg.key == "dst" ? 1 : 0];
    if (a.param.empty()) return false;
    const EventParam* path = ev.param(a.param);
    if (!path || path->text.empty()) return false;
    return resolve(ev, a, path->text, scratch) && put_scratch(out, scratch);
}

bool abspath_arg(const FieldArg& arg, std::string& error) {
    if (arg.key == "src" || arg.key == "dst") return true;
    error = "the argument must be src or dst (evt.abspath.src, evt.abspath.dst)";
    return false;
}

}  // namespace

void add_fspath_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    FieldDef abspath{"evt.abspath", FT::String, AK::EvtArg,
                     "dirfd-relative path argument made absolute (renameat, symlinkat, openat "
                     "...); evt.abspath.src, evt.abspath.dst for two-path calls",
                     evt_abspath};
    abspath.check_arg = abspath_arg;
    const FieldDef table[] = {
        abspath,
        {"fs.path.name", FT::String, AK::None,
         "path a successful one-path call acts on, resolved against the cwd or dirfd",
         fs_path<Which::Path, false>},
        {"fs.path.nameraw", FT::String, AK::None, "that path as the call passed it",
         fs_path<Which::Path, true>},
        {"fs.path.source", FT::String, AK::None,
         "source path of a successful two-path call (rename, link, symlink, mount), resolved",
         fs_path<Which::Source, false>},
        {"fs.path.sourceraw", FT::String, AK::None, "that source path as the call passed it",
         fs_path<Which::Source, true>},
        {"fs.path.target", FT::String, AK::None,
         "target path of a successful two-path call, resolved", fs_path<Which::Target, false>},
        {"fs.path.targetraw", FT::String, AK::None, "that target path as the call passed it",
         fs_path<Which::Target, true>},
    };
    append_fields(f, table);
}

void add_fdlist_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        unavailable({"fdlist.nums", FT::String, AK::None,
                     "poll: comma-separated fd numbers (not recorded by the probe)", never_filled},
                    "the probe does not record poll's fd array"),
        unavailable({"fdlist.names", FT::String, AK::None,
                     "poll: comma-separated fd names (not recorded by the probe)", never_filled},
                    "the probe does not record poll's fd array"),
        unavailable({"fdlist.cips", FT::String, AK::None,
                     "poll: comma-separated client IPs (not recorded by the probe)", never_filled},
                    "the probe does not record poll's fd array"),
        unavailable({"fdlist.sips", FT::String, AK::None,
                     "poll: comma-separated server IPs (not recorded by the probe)", never_filled},
                    "the probe does not record poll's fd array"),
        unavailable(
            {"fdlist.cports", FT::String, AK::None,
             "poll: comma-separated client ports (not recorded by the probe)", never_filled},
            "the probe does not record poll's fd array"),
        unavailable(
            {"fdlist.sports", FT::String, AK::None,
             "poll: comma-separated server ports (not recorded by the probe)", never_filled},
            "the probe does not record poll's fd array"),
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail
