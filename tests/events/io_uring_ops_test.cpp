// The io_uring op table: each opcode once, each standing for a syscall the table describes.
#include <linux/io_uring.h>

#include <gtest/gtest.h>

#include <set>

#include "sensor/events/syscall_table.h"
#include "sensor/events/syscalls.h"

namespace sensor::events {
namespace {

TEST(IoUringOpsTest, EachOpStandsForADescribedSyscall) {
    std::set<uint8_t> seen;
    for (const IoUringOp& op : io_uring_ops()) {
        EXPECT_TRUE(seen.insert(op.opcode).second) << int{op.opcode} << " twice";
        EXPECT_LT(op.opcode, SENSOR_URING_OPS) << int{op.opcode};
        const SyscallEntry* e = syscall_entry(op.syscall);
        ASSERT_NE(e, nullptr) << int{op.opcode} << " -> " << op.syscall;
        EXPECT_TRUE(e->has_schema()) << op.syscall;
        EXPECT_TRUE(syscall_number(op.syscall).has_value()) << op.syscall;
    }
}

std::string_view syscall_of(uint8_t opcode) {
    for (const IoUringOp& op : io_uring_ops())
        if (op.opcode == opcode) return op.syscall;
    return {};
}

// The opens rules know come through io_uring as the same event types; ops without an event
// here have no entry.
TEST(IoUringOpsTest, OpensAndPathOpsAreTheirSyscalls) {
    EXPECT_EQ(syscall_of(IORING_OP_OPENAT), "openat");
    EXPECT_EQ(syscall_of(IORING_OP_OPENAT2), "openat2");
    EXPECT_EQ(syscall_of(IORING_OP_READ_FIXED), "read");
    EXPECT_EQ(syscall_of(IORING_OP_RENAMEAT), "renameat2");
    EXPECT_EQ(syscall_of(IORING_OP_CONNECT), "connect");
    EXPECT_EQ(syscall_of(IORING_OP_STATX), "");
    EXPECT_EQ(syscall_of(IORING_OP_NOP), "");
}

}  // namespace
}  // namespace sensor::events
