// End to end, as root: alert delivery from the live sensor. A file output rotated by rename +
// SIGUSR1 loses nothing, and a stdout nobody reads neither stalls capture nor the file output;
// every alert is accounted for as delivered, failed, dropped or undelivered.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e/live_helpers.h"
#include "e2e/live_sensor.h"
#include "e2e/output_counts.h"
#include "e2e/require_root.h"

namespace fs = std::filesystem;
using sensor::testing::count_lines;
using sensor::testing::LiveSensor;
using sensor::testing::output_counts;

namespace {

bool wait_lines(const std::string& path, size_t want) {
    for (int i = 0; i < 200; ++i) {
        if (count_lines(path) >= want) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace

TEST(LiveOutputs, RotatedFileLosesNothingAndStalledStdoutIsCounted) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("outputs");
    std::string file = dir + "/alerts.log";
    LiveSensor s;
    std::string err;
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    ASSERT_TRUE(s.start(
        {"-r", rules, "-o", "file_output.enabled=true", "-o", "file_output.filename=" + file, "-o",
         "file_output.keep_alive=true", "-o", "outputs_queue.capacity=256"},
        err, std::chrono::seconds(20), /*read_stdout=*/false))
        << err;
    auto make_links = [&](int from, int to) {
        for (int i = from; i < to; ++i)
            ASSERT_EQ(symlink("/etc/shadow", (dir + "/l" + std::to_string(i)).c_str()), 0);
    };
    make_links(0, 100);
    ASSERT_TRUE(wait_lines(file, 100)) << count_lines(file) << " lines";
    fs::rename(file, file + ".1");
    kill(s.pid(), SIGUSR1);
    // The sensor reopens before its next batch; alerts caused before it notices still go to
    // the renamed file, so count both.
    make_links(100, 150);
    for (int i = 0; i < 200 && count_lines(file) + count_lines(file + ".1") < 150; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(count_lines(file) + count_lines(file + ".1"), 150u);
    EXPECT_GT(count_lines(file), 0u) << "nothing was written to the reopened file";
    EXPECT_EQ(s.stop(), 0);
    std::string log = s.stderr_text();
    auto f = output_counts(log, "file");
    EXPECT_EQ(f[0], 150u) << log;
    EXPECT_EQ(f[1] + f[2] + f[3], 0u) << log;
    auto o = output_counts(log, "stdout");
    ASSERT_NE(o[0], ~0ull) << log;
    EXPECT_EQ(o[0] + o[1] + o[2] + o[3], 150u) << log;
    EXPECT_GT(o[1] + o[2] + o[3], 0u) << "a stalled stdout cannot have taken everything: " << log;
    fs::remove_all(dir);
}

TEST(LiveOutputs, DedupWindowEmitsTheFirstAlertThenOneSummaryWithTheCount) {
    SENSOR_REQUIRE_ROOT("the live sensor loads the eBPF probe");
    std::string dir = sensor::testing::fresh_dir("dedup");
    std::string rules = sensor::testing::write_shadow_symlink_rule(dir);
    LiveSensor s;
    std::string err;
    ASSERT_TRUE(s.start(
        {"-r", rules, "-o", "alert_dedup.enabled=true", "-o", "alert_dedup.window_seconds=2"}, err))
        << err;
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(symlink("/etc/shadow", (dir + "/l" + std::to_string(i)).c_str()), 0);
    auto first =
        s.wait_alert([&](const auto& a) { return a.value("rule", "") == "Symlink to shadow"; });
    ASSERT_TRUE(first.has_value()) << s.stderr_text();
    EXPECT_EQ((*first)["output_fields"].value("evt.arg.linkpath", ""), dir + "/l0");
    auto summary = s.wait_alert(
        [](const auto& a) { return a["output_fields"].contains("sensor.dedup.suppressed"); },
        std::chrono::seconds(10));
    ASSERT_TRUE(summary.has_value()) << s.stderr_text();
    EXPECT_EQ((*summary)["rule"], "Symlink to shadow");
    EXPECT_EQ((*summary)["priority"], "Warning");
    EXPECT_EQ((*summary)["output_fields"]["sensor.dedup.suppressed"], 19);
    EXPECT_EQ((*summary)["output_fields"]["sensor.dedup.window_s"], 2);
    EXPECT_EQ(s.stop(), 0);
    EXPECT_EQ(s.alerts().size(), 2u);
    std::string log = s.stderr_text();
    EXPECT_NE(log.find("alert_dedup: 19 alerts held back, reported in 1 summaries"),
              std::string::npos)
        << log;
    fs::remove_all(dir);
}
