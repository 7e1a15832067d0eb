// The capability name table and capability masks as text.
#include "sensor/events/capabilities.h"

#include <gtest/gtest.h>

using namespace sensor::events;

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
