// The errno name table.
#include "sensor/events/errno_names.h"

#include <gtest/gtest.h>

using namespace sensor::events;

TEST(ErrnoTest, NamesAndNumbers) {
    EXPECT_EQ(errno_name(2), "ENOENT");
    EXPECT_EQ(errno_name(1), "EPERM");
    EXPECT_EQ(errno_name(13), "EACCES");
    EXPECT_EQ(errno_name(133), "EHWPOISON");
    EXPECT_EQ(errno_name(512), "ERESTARTSYS");
    EXPECT_EQ(errno_name(0), "");
    EXPECT_EQ(errno_name(41), "");  // unused number
    EXPECT_EQ(errno_name(9999), "");
    EXPECT_EQ(errno_from_name("ENOENT"), 2);
    EXPECT_EQ(errno_from_name("EWOULDBLOCK"), 11);
    EXPECT_EQ(errno_from_name("ERESTARTSYS"), 512);
    EXPECT_FALSE(errno_from_name("ENOPE"));
    for (int e = 1; e < 134; ++e) {
        auto name = errno_name(e);
        if (!name.empty()) {
            EXPECT_EQ(errno_from_name(name), e) << name;
        }
    }
}
