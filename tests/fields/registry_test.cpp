// Field registry: name resolution, arguments, descriptions, and value text.
#include <gtest/gtest.h>

#include <set>

#include "fields/fields_harness.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsResolve, ExactNamesAndTypes) {
    std::string err;
    auto r = resolve_field("proc.name", nullptr, err);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->def->type, FieldType::String);
    EXPECT_FALSE(r->multi());
    EXPECT_EQ(must_resolve("proc.tty").def->type, FieldType::Uint64);
    EXPECT_EQ(must_resolve("user.loginuid").def->type, FieldType::Int64);
    EXPECT_EQ(must_resolve("fd.net").def->type, FieldType::Net);
    EXPECT_TRUE(must_resolve("fd.ip").multi());
    EXPECT_EQ(must_resolve("proc.duration").def->type, FieldType::RelTime);
    EXPECT_EQ(must_resolve("container.start_ts").def->type, FieldType::AbsTime);
}

TEST(FieldsResolve, UnknownFieldUsesFalcoWording) {
    std::string err;
    EXPECT_FALSE(resolve_field("proc.nmae", nullptr, err));
    EXPECT_EQ(err, "filter_check called with nonexistent field proc.nmae");
    std::string arg = "2";
    EXPECT_FALSE(resolve_field("proc.bogus", &arg, err));
    EXPECT_EQ(err, "filter_check called with nonexistent field proc.bogus[2]");
    EXPECT_FALSE(resolve_field("evt.arg.", nullptr, err));
    EXPECT_EQ(err, "filter_check called with nonexistent field evt.arg.");
}

TEST(FieldsResolve, EvtArgForms) {
    FieldRef dotted = must_resolve("evt.arg.flags");
    EXPECT_EQ(dotted.def->name, "evt.arg");
    EXPECT_TRUE(dotted.arg.present);
    EXPECT_EQ(dotted.arg.key, "flags");
    FieldRef idx = must_resolve("evt.arg[1]");
    EXPECT_EQ(idx.arg.index, 1);
    EXPECT_TRUE(idx.arg.key.empty());
    FieldRef named = must_resolve("evt.arg[name]");
    EXPECT_EQ(named.arg.key, "name");
    FieldRef raw = must_resolve("evt.rawarg.res_or_fd");
    EXPECT_EQ(raw.def->name, "evt.rawarg");
    EXPECT_EQ(raw.arg.key, "res_or_fd");

    std::string err;
    EXPECT_FALSE(resolve_field("evt.arg", nullptr, err));
    EXPECT_NE(err.find("evt.arg"), std::string::npos);
    std::string a = "flags";
    EXPECT_FALSE(resolve_field("evt.rawarg", &a, err));
    EXPECT_FALSE(resolve_field("evt.arg.flags", &a, err));
}

TEST(FieldsResolve, ArgumentChecks) {
    FieldRef an = must_resolve("proc.aname[2]");
    EXPECT_TRUE(an.arg.present);
    EXPECT_EQ(an.arg.index, 2);
    EXPECT_FALSE(an.multi());
    EXPECT_TRUE(must_resolve("proc.aname").multi());
    EXPECT_EQ(must_resolve("container.label[app]").arg.key, "app");
    EXPECT_EQ(must_resolve("k8s.pod.label[app.kubernetes.io/name]").arg.key,
              "app.kubernetes.io/name");
    EXPECT_FALSE(must_resolve("proc.env").arg.present);
    EXPECT_EQ(must_resolve("proc.env[HOME]").arg.key, "HOME");

    std::string err;
    for (const char* bad :
         {"proc.aname[x]", "proc.aname[-1]", "proc.name[1]", "container.label", "proc.apid[1x]"}) {
        EXPECT_FALSE(resolve(bad, err)) << bad;
        EXPECT_FALSE(err.empty()) << bad;
        EXPECT_EQ(err.find("nonexistent"), std::string::npos) << bad << ": " << err;
    }
}

TEST(FieldsResolve, RulesetFieldsExist) {
    // A sample of fields the default rules use in conditions and outputs.
    for (const char* f : {"evt.type",
                          "evt.num",
                          "evt.rawres",
                          "evt.res",
                          "evt.args",
                          "evt.hostname",
                          "evt.is_open_read",
                          "evt.is_open_write",
                          "evt.time",
                          "evt.time.iso8601",
                          "proc.name",
                          "proc.pname",
                          "proc.cmdline",
                          "proc.pcmdline",
                          "proc.exe",
                          "proc.pexe",
                          "proc.exepath",
                          "proc.pexepath",
                          "proc.args",
                          "proc.cwd",
                          "proc.tty",
                          "proc.sname",
                          "proc.vpgid.name",
                          "proc.vpgid.exe",
                          "proc.is_vpgid_leader",
                          "proc.vpid",
                          "proc.ppid.duration",
                          "proc.duration",
                          "proc.exe_ino.ctime",
                          "proc.exe_ino.mtime",
                          "proc.exe_ino.ctime_duration_proc_start",
                          "proc.is_exe_upper_layer",
                          "proc.is_exe_from_memfd",
                          "proc.aexe[2]",
                          "proc.aexepath[2]",
                          "proc.aname[7]",
                          "thread.cap_effective",
                          "thread.cap_permitted",
                          "user.name",
                          "user.uid",
                          "user.loginuid",
                          "user.loginname",
                          "group.gid",
                          "group.name",
                          "fd.name",
                          "fd.nameraw",
                          "fd.directory",
                          "fd.filename",
                          "fd.typechar",
                          "fd.type",
                          "fd.num",
                          "fd.l4proto",
                          "fd.lport",
                          "fd.rport",
                          "fd.sport",
                          "fd.port",
                          "fd.sip",
                          "fd.ip",
                          "fd.net",
                          "fd.snet",
                          "fd.rnet",
                          "fd.sip.name",
                          "fd.cip.name",
                          "fd.lip.name",
                          "fd.rip.name",
                          "fd.connected",
                          "fd.name_changed",
                          "fd.sockfamily",
                          "container.id",
                          "container.image.repository",
                          "container.privileged",
                          "container.start_ts",
                          "k8s.ns.name",
                          "k8s.pod.name"}) {
        std::string err;
        EXPECT_TRUE(resolve(f, err)) << f << ": " << err;
    }
}

TEST(FieldsResolve, EveryFieldHasADescriptionAndUniqueName) {
    std::set<std::string_view> names;
    for (const FieldDef& d : all_fields()) {
        EXPECT_FALSE(d.desc.empty()) << d.name;
        EXPECT_NE(d.extract, nullptr) << d.name;
        EXPECT_TRUE(names.insert(d.name).second) << "duplicate " << d.name;
        EXPECT_EQ(find_field(d.name), &d);
    }
    EXPECT_GT(names.size(), 150u);
}

TEST(FieldsText, AppendValueText) {
    Value v;
    std::string out;
    v.b = true;
    append_value_text(*find_field("fd.connected"), v, out);
    v.i64 = -5;
    out += ' ';
    append_value_text(*find_field("fd.num"), v, out);
    v.u64 = 18446744073709551615ULL;
    out += ' ';
    append_value_text(*find_field("evt.rawtime"), v, out);
    v.ip = *IpAddr::parse("::1");
    out += ' ';
    append_value_text(*find_field("fd.cip"), v, out);
    EXPECT_EQ(out, "true -5 18446744073709551615 ::1");
}
