// The start-up line about hooks: tracepoints always, io_uring when loaded, and per kind of
// hook the sensor tried, what became of it.
#include "sensor/capture/hook_support.h"

#include <gtest/gtest.h>

namespace sensor::capture {
namespace {

TEST(HookSupportTest, LineNamesEachKindAndWhy) {
    HookSupport h;
    h.lsm = {false, "load refused (EPERM)"};
    h.fentry = {false, "attach refused (ENOTSUPP)"};
    EXPECT_EQ(describe(h, true),
              "hooks: tracepoints with io_uring (BPF LSM: load refused (EPERM); fentry: attach "
              "refused (ENOTSUPP))");
    h.lsm = {true, "loads and attaches"};
    EXPECT_EQ(describe(h, false),
              "hooks: tracepoints without io_uring (the kernel lacks its tracepoints) (BPF LSM: "
              "available, unused; fentry: attach refused (ENOTSUPP))");
}

}  // namespace
}  // namespace sensor::capture
