// user.* and group.* fields: the credentials of the process that generated the event.
#include "extract_util.h"
#include "field_tables.h"

namespace sensor::fields::detail {

void add_user_fields(std::vector<FieldDef>& f) {
    using FT = FieldType;
    using AK = ArgKind;
    f.push_back({"user.uid", FT::Uint64, AK::None, "effective user id",
                 SENSOR_EXTRACTOR { return ev.proc && put_u64(out, ev.proc->uid);
}
}  // namespace sensor::fields::detail
);
    f.push_back({"user.name", FT::String, AK::None, "effective user name",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->user && put_nonempty(out, ev.proc->user->name);
    }
    });
    f.push_back({"user.homedir", FT::String, AK::None, "home directory of the user",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->user && put_nonempty(out, ev.proc->user->homedir);
    }
    });
    f.push_back({"user.shell", FT::String, AK::None, "login shell of the user",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->user && put_nonempty(out, ev.proc->user->shell);
    }
    });
    // The audit login uid is unsigned in the kernel; Falco shows "unset" (UINT32_MAX) as -1.
    f.push_back({"user.loginuid", FT::Int64, AK::None, "audit login user id; -1 when unset",
                 SENSOR_EXTRACTOR {
                     if (!ev.proc) return false;
                     uint32_t l = ev.proc->loginuid;
                     return put_i64(out, l == UINT32_MAX ? -1 : static_cast<int64_t>(l));
    }
    });
    f.push_back({"user.loginname", FT::String, AK::None, "name of the audit login user",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->loginuser &&
                            put_nonempty(out, ev.proc->loginuser->name);
    }
    });
    f.push_back({"group.gid", FT::Uint64, AK::None, "effective group id",
                 SENSOR_EXTRACTOR { return ev.proc && put_u64(out, ev.proc->gid);
    }
    });
    f.push_back({"group.name", FT::String, AK::None, "effective group name",
                 SENSOR_EXTRACTOR {
                     return ev.proc && ev.proc->group && put_nonempty(out, ev.proc->group->name);
    }
    });
    }

    }  // namespace sensor::fields::detail
