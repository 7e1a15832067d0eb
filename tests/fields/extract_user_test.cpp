// user.* and group.* fields.
#include <gtest/gtest.h>

#include "fields/fields_harness.h"

using namespace sensor::fields;
using namespace sensor::fields::fields_test;

TEST(FieldsUser, UsersAndGroups) {
    World w;
    EXPECT_EQ(val(w.ev, "user.uid"), "0");
    EXPECT_EQ(val(w.ev, "user.name"), "root");
    EXPECT_EQ(val(w.ev, "user.homedir"), "/root");
    EXPECT_EQ(val(w.ev, "user.loginuid"), "1000");
    EXPECT_EQ(val(w.ev, "user.loginname"), "bob");
    EXPECT_EQ(val(w.ev, "group.gid"), "0");
    EXPECT_EQ(val(w.ev, "group.name"), "root");
    w.cat.loginuid = UINT32_MAX;
    w.cat.loginuser = nullptr;
    w.cat.user = nullptr;
    EXPECT_EQ(val(w.ev, "user.loginuid"), "-1");
    EXPECT_EQ(val(w.ev, "user.loginname"), "<NA>");
    EXPECT_EQ(val(w.ev, "user.name"), "<NA>");
}
