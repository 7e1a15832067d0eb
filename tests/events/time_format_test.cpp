// The shared time formatting (src/events/time_format): Falco's event time forms and syslog's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "sensor/events/time_format.h"

using namespace sensor::events;

namespace {

constexpr uint64_t kTs = 1718000011123456789ull;  // 2024-06-10T06:13:31.123456789Z

// Runs in UTC and gives the process its time zone back afterwards.
class TimeFormat : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* tz = std::getenv("TZ");
        had_tz_ = tz != nullptr;
        if (tz) saved_tz_ = tz;
        setenv("TZ", "UTC", 1);
        tzset();
    }
    void TearDown() override {
        if (had_tz_)
            setenv("TZ", saved_tz_.c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }

  private:
    bool had_tz_ = false;
    std::string saved_tz_;
};

std::string rfc3164(uint64_t ts) {
    std::string out = "x";  // appended, not replaced
    append_rfc3164_time(ts, out);
    return out;
}

std::string rfc3339(uint64_t ts) {
    std::string out = "x";
    append_rfc3339_micros(ts, out);
    return out;
}

}  // namespace

TEST_F(TimeFormat, EventTimes) {
    std::string out;
    append_time(kTs, true, "%Y-%m-%dT%H:%M:%S", true, out);
    EXPECT_EQ(out, "2024-06-10T06:13:31.123456789");
    out.clear();
    append_time(kTs, false, "%H:%M:%S", false, out);
    EXPECT_EQ(out, "06:13:31");
}

TEST_F(TimeFormat, Rfc3164IsLocalWithoutYearAndASpacePaddedDay) {
    EXPECT_EQ(rfc3164(kTs), "xJun 10 06:13:31");
    EXPECT_EQ(rfc3164(1717222411000000000ull), "xJun  1 06:13:31");  // 2024-06-01
    setenv("TZ", "CET-1", 1);
    tzset();
    EXPECT_EQ(rfc3164(kTs), "xJun 10 07:13:31");
}

TEST_F(TimeFormat, Rfc3339IsUtcWithMicroseconds) {
    EXPECT_EQ(rfc3339(kTs), "x2024-06-10T06:13:31.123456Z");
    EXPECT_EQ(rfc3339(1718000011000000999ull), "x2024-06-10T06:13:31.000000Z");
    setenv("TZ", "CET-1", 1);
    tzset();
    EXPECT_EQ(rfc3339(kTs), "x2024-06-10T06:13:31.123456Z");
}
