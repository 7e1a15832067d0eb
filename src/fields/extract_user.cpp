// user.* and group.* fields: the credentials of the process that generated the event.
#include "extract_util.h"
#include "field_tables.h"

namespace sensor::fields::detail {
namespace {

bool user_uid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_u64(out, ev.proc->uid);
}

bool user_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->user && put_nonempty(out, ev.proc->user->name);
}

bool user_homedir(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->user && put_nonempty(out, ev.proc->user->homedir);
}

bool user_shell(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->user && put_nonempty(out, ev.proc->user->shell);
}

// The audit login uid is unsigned in the kernel; Falco shows "unset" (UINT32_MAX) as -1.
bool user_loginuid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    if (!ev.proc) return false;
    uint32_t l = ev.proc->loginuid;
    return put_i64(out, l == UINT32_MAX ? -1 : static_cast<int64_t>(l));
}

bool user_loginname(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->loginuser && put_nonempty(out, ev.proc->loginuser->name);
}

bool group_gid(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && put_u64(out, ev.proc->gid);
}

bool group_name(const Event& ev, const FieldArg&, uint32_t, Value& out, std::string&) {
    return ev.proc && ev.proc->group && put_nonempty(out, ev.proc->group->name);
}

}  // namespace

void add_user_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    const FieldDef table[] = {
        {"user.uid", FT::Uint64, AK::None, "effective user id", user_uid},
        {"user.name", FT::String, AK::None, "effective user name", user_name},
        {"user.homedir", FT::String, AK::None, "home directory of the user", user_homedir},
        {"user.shell", FT::String, AK::None, "login shell of the user", user_shell},
        {"user.loginuid", FT::Int64, AK::None, "audit login user id; -1 when unset", user_loginuid},
        {"user.loginname", FT::String, AK::None, "name of the audit login user", user_loginname},
        {"group.gid", FT::Uint64, AK::None, "effective group id", group_gid},
        {"group.name", FT::String, AK::None, "effective group name", group_name},
    };
    append_fields(f, table);
}

}  // namespace sensor::fields::detail
