// Flag, errno and capability name tables.
#include <gtest/gtest.h>

#include "sensor/events/capabilities.h"
#include "sensor/events/errno_names.h"
#include "sensor/events/open_flags.h"

namespace oflags = sensor::events::oflags;
using namespace sensor::events;

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

TEST(CapTest, NamesRenderAndParse) {
    EXPECT_EQ(capability_name(0), "CAP_CHOWN");
    EXPECT_EQ(capability_name(21), "CAP_SYS_ADMIN");
    EXPECT_EQ(capability_name(40), "CAP_CHECKPOINT_RESTORE");
    EXPECT_EQ(capability_name(41), "");
    EXPECT_EQ(capability_from_name("CAP_NET_ADMIN"), 12);
    EXPECT_EQ(capabilities_to_string(0b11), "CAP_CHOWN CAP_DAC_OVERRIDE");
    EXPECT_EQ(capabilities_to_string(0), "");
    uint64_t all = (uint64_t{1} << 41) - 1;
    EXPECT_EQ(parse_capabilities(capabilities_to_string(all)), all);
    EXPECT_EQ(parse_capabilities("CAP_SYS_ADMIN|CAP_NET_RAW, CAP_BPF"),
              (uint64_t{1} << 21) | (uint64_t{1} << 13) | (uint64_t{1} << 39));
    EXPECT_FALSE(parse_capabilities("CAP_SYS_ADMIN CAP_FLY"));
}
