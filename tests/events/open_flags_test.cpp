// Open flags: Falco's text, parsing, and the access mode.
#include "sensor/events/open_flags.h"

#include <gtest/gtest.h>

namespace oflags = sensor::events::oflags;

TEST(FlagsTest, RendersInFalcoOrder) {
    EXPECT_EQ(oflags::open_flags_to_string(oflags::kWrOnly | oflags::kCreat | oflags::kTrunc),
              "O_TRUNC|O_CREAT|O_WRONLY");
    EXPECT_EQ(oflags::open_flags_to_string(0), "O_RDONLY");
    EXPECT_EQ(oflags::open_flags_to_string(oflags::kRdWr | oflags::kCloExec), "O_RDWR|O_CLOEXEC");
    EXPECT_EQ(
        oflags::open_flags_to_string(oflags::kWrOnly | oflags::kFCreated | oflags::kFdUpperLayer),
        "O_WRONLY|O_F_CREATED|FD_UPPER_LAYER");
}

TEST(FlagsTest, ParsesNamesAndNumbers) {
    EXPECT_EQ(oflags::parse_open_flags("O_RDONLY|O_CLOEXEC"), oflags::kCloExec);
    EXPECT_EQ(oflags::parse_open_flags(" O_WRONLY | O_CREAT "), oflags::kWrOnly | oflags::kCreat);
    EXPECT_EQ(oflags::parse_open_flags("O_SYNC"), oflags::kSync);
    EXPECT_EQ(oflags::parse_open_flags("0101"), 0101u);
    EXPECT_EQ(oflags::parse_open_flags("0x41"), 0x41u);
    EXPECT_FALSE(oflags::parse_open_flags("O_BOGUS"));
    EXPECT_FALSE(oflags::parse_open_flags("O_RDONLY|"));
    EXPECT_FALSE(oflags::parse_open_flags(""));
}

TEST(FlagsTest, RoundTrips) {
    for (uint32_t f : {0u, oflags::kRdWr | oflags::kAppend | oflags::kNonBlock,
                       oflags::kWrOnly | oflags::kSync | oflags::kLargeFile,
                       oflags::kRdWr | oflags::kTmpFile | oflags::kExcl | oflags::kFCreated}) {
        std::string s = oflags::open_flags_to_string(f);
        EXPECT_EQ(oflags::parse_open_flags(s), f) << s;
    }
}

TEST(FlagsTest, ReadWriteFromAccessMode) {
    EXPECT_TRUE(oflags::opens_for_read(oflags::kRdOnly));
    EXPECT_FALSE(oflags::opens_for_write(oflags::kRdOnly | oflags::kCreat));
    EXPECT_TRUE(oflags::opens_for_read(oflags::kRdWr));
    EXPECT_TRUE(oflags::opens_for_write(oflags::kRdWr));
    EXPECT_FALSE(oflags::opens_for_read(oflags::kWrOnly));
}
