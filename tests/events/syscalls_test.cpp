// Syscall numbers and names, for this machine and for arm64.
#include "sensor/events/syscalls.h"

#include <sys/syscall.h>

#include <gtest/gtest.h>

using namespace sensor;

TEST(Syscalls, NumbersMatchTheSystemHeaders) {
    EXPECT_EQ(events::syscall_number("openat"), static_cast<uint32_t>(SYS_openat));
    EXPECT_EQ(events::syscall_number("execve"), static_cast<uint32_t>(SYS_execve));
    EXPECT_EQ(events::syscall_number("ptrace"), static_cast<uint32_t>(SYS_ptrace));
    EXPECT_EQ(events::syscall_name(SYS_connect), "connect");
    EXPECT_FALSE(events::syscall_number("procexit"));
    EXPECT_EQ(events::syscall_name(100000), "");
}

// The arm64 table is the generic one as arm64 configures it; spot-check numbers from the
// kernel's arch/arm64 table, including the 32/64-bit aliases (fcntl, newfstatat).
TEST(SyscallNumbers, Arm64Table) {
    using sensor::events::syscall_number;
    using sensor::events::SyscallArch;
    struct {
        const char* name;
        uint32_t nr;
    } want[] = {{"openat", 56},  {"close", 57},      {"execve", 221},       {"execveat", 281},
                {"clone", 220},  {"clone3", 435},    {"connect", 203},      {"ptrace", 117},
                {"fcntl", 25},   {"newfstatat", 79}, {"memfd_create", 279}, {"openat2", 437},
                {"unshare", 97}, {"setns", 268},     {"symlinkat", 36},     {"renameat2", 276}};
    for (const auto& w : want) {
        auto nr = syscall_number(w.name, SyscallArch::Arm64);
        ASSERT_TRUE(nr.has_value()) << w.name;
        EXPECT_EQ(*nr, w.nr) << w.name;
        EXPECT_EQ(sensor::events::syscall_name(w.nr, SyscallArch::Arm64), w.name);
    }
    // Syscalls arm64 does not have.
    for (const char* absent : {"open", "creat", "symlink", "fork", "vfork", "dup2", "pipe"})
        EXPECT_FALSE(syscall_number(absent, SyscallArch::Arm64).has_value()) << absent;
    EXPECT_EQ(*syscall_number("open", SyscallArch::X86_64), 2u);
    EXPECT_EQ(*syscall_number("openat", SyscallArch::X86_64), 257u);
}
