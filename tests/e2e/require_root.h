#pragma once
// The one way an end-to-end test says it needs root. Without root the test skips, loudly: a
// line on stderr and the skip reason both say that it did not run. With root it does nothing,
// and from there on a component the test cannot start (the sensor, the probe, containerd,
// rsyslogd, a receiver) is a test failure, never a skip.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace sensor::testing {

inline bool running_as_root() {
    return geteuid() == 0;
}

// The skip reason for the current test, also written to stderr.
inline std::string not_root_notice(const char* why) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "test";
    std::string text = "NOT RUN: " + test + " needs root (" + why + ")";
    std::fprintf(stderr, "*** %s ***\n", text.c_str());
    return text;
}

}  // namespace sensor::testing

// In a test body or SetUp(): skips the test unless the process runs as root.
#define SENSOR_REQUIRE_ROOT(why)                                     \
    do {                                                             \
        if (!::sensor::testing::running_as_root())                   \
            GTEST_SKIP() << ::sensor::testing::not_root_notice(why); \
    } while (0)
