// The file inputs on real files: following through rotations, reading once.
#include "sensor/audit_ingest/audit_input.h"
#include "support/audit_http_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace sensor::audit_ingest;
using sensor::testing_support::eventually;
namespace fs = std::filesystem;

namespace {

class FileInputs : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = ::testing::TempDir() + "sensor-audit-files-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name();
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const std::string& name) const { return dir_ + "/" + name; }

    std::unique_ptr<AuditInput> start(const std::string& params, InputConfig cfg = {}) {
        cfg.open_params = params;
        std::string error;
        auto input = make_input(cfg, error);
        EXPECT_TRUE(input && input->start(error)) << error;
        return input;
    }

    // Drains until `count` payloads came (or 5 s passed), then a little longer for extras.
    static std::vector<std::string> collect(AuditInput& input, size_t count) {
        std::vector<std::string> out;
        eventually([&] {
            input.drain(out, 1000);
            return out.size() >= count;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(400));  // two follower polls
        input.drain(out, 1000);
        return out;
    }

    static std::vector<std::string> numbered(int from, int to) {
        std::vector<std::string> out;
        for (int i = from; i <= to; ++i) out.push_back(line(i));
        return out;
    }
    static std::string line(int i) { return "{\"n\":" + std::to_string(i) + "}"; }

    static void append(int fd, const std::string& text) {
        ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    static void append_lines(int fd, int from, int to) {
        for (int i = from; i <= to; ++i) append(fd, line(i) + "\n");
    }

    std::string dir_;
};

}  // namespace

TEST_F(FileInputs, FollowSkipsExistingLinesAndBuffersAPartialOne) {
    std::ofstream(path("audit.log")) << "old 1\nold 2\nhalf of an old li";
    int fd = open(path("audit.log").c_str(), O_WRONLY | O_APPEND);
    auto input = start("file://" + path("audit.log"));
    ASSERT_TRUE(input);
    append(fd, "ne\n{\"a\":1}\n{\"b\":");
    EXPECT_EQ(collect(*input, 1), std::vector<std::string>{"{\"a\":1}"});
    append(fd, "2}\n");
    EXPECT_EQ(collect(*input, 1), std::vector<std::string>{"{\"b\":2}"});
    EXPECT_FALSE(input->finished());
    close(fd);
}

TEST_F(FileInputs, FollowLosesAndRepeatsNothingThroughRenameRotation) {
    std::ofstream(path("audit.log")) << "before start\n";
    int fd = open(path("audit.log").c_str(), O_WRONLY | O_APPEND);
    auto input = start("file://" + path("audit.log"));
    ASSERT_TRUE(input);
    append_lines(fd, 1, 50);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    fs::rename(path("audit.log"), path("audit.log.1"));
    append_lines(fd, 51, 55);  // the writer's last lines, to the moved file
    append(fd, "{\"n\":56");   // and an unterminated one
    close(fd);
    fd = open(path("audit.log").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    append_lines(fd, 57, 100);
    std::vector<std::string> want = numbered(1, 55);
    want.push_back("{\"n\":56");
    for (auto& l : numbered(57, 100)) want.push_back(l);
    EXPECT_EQ(collect(*input, want.size()), want);
    EXPECT_EQ(input->counters().rotations, 1u);
    EXPECT_EQ(input->counters().lines, want.size());
    close(fd);
}

TEST_F(FileInputs, FollowLosesAndRepeatsNothingThroughCopytruncate) {
    std::ofstream(path("audit.log")) << "before start\n";
    int fd = open(path("audit.log").c_str(), O_WRONLY | O_APPEND);
    auto input = start("file://" + path("audit.log"));
    ASSERT_TRUE(input);
    append_lines(fd, 1, 20);
    EXPECT_EQ(collect(*input, 20), numbered(1, 20));
    fs::copy_file(path("audit.log"), path("audit.log.1"));  // logrotate's copytruncate
    ASSERT_EQ(ftruncate(fd, 0), 0);
    append_lines(fd, 21, 25);  // fewer bytes than before: the shrink is what shows
    EXPECT_EQ(collect(*input, 5), numbered(21, 25));
    EXPECT_EQ(input->counters().truncations, 1u);
    close(fd);
}

TEST_F(FileInputs, FollowWaitsForAFileCreatedLater) {
    auto input = start("file://" + path("later.log"));
    ASSERT_TRUE(input);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::ofstream(path("later.log")) << line(1) << "\n" << line(2) << "\n";
    EXPECT_EQ(collect(*input, 2), numbered(1, 2));  // a new file is read from its start
    InputConfig cfg;
    cfg.open_params = "file://" + path("no-such-dir/audit.log");
    std::string error;
    auto bad = make_input(cfg, error);
    ASSERT_TRUE(bad);
    EXPECT_FALSE(bad->start(error));
}

TEST_F(FileInputs, ReadOnceDeliversEachLineAndSkipsOversizedOnes) {
    std::ofstream(path("audit.log")) << line(1) << "\r\n\n"
                                     << std::string(200, 'x') << "\n"
                                     << line(2) << "\n"
                                     << line(3);  // no final newline
    InputConfig cfg;
    cfg.max_line_size = 100;
    auto input = start(path("audit.log"), cfg);
    ASSERT_TRUE(input);
    ASSERT_TRUE(eventually([&] { return input->finished(); }));
    std::vector<std::string> out;
    input->drain(out, 100);
    EXPECT_EQ(out, numbered(1, 3));
    EXPECT_EQ(input->counters().lines_too_long, 1u);
    EXPECT_EQ(input->counters().lines, 3u);
}

TEST_F(FileInputs, ReadOnceTakesADirectoryInMtimeOrder) {
    auto now = fs::file_time_type::clock::now();
    std::ofstream(path("b.log")) << line(3) << "\n" << line(4) << "\n";
    std::ofstream(path("a.log")) << line(5) << "\n";
    std::ofstream(path("c.log")) << line(1) << "\n" << line(2) << "\n";
    fs::create_directory(path("subdir"));
    std::ofstream(path("subdir/ignored.log")) << "ignored\n";
    fs::last_write_time(path("c.log"), now - std::chrono::hours(3));
    fs::last_write_time(path("b.log"), now - std::chrono::hours(2));
    fs::last_write_time(path("a.log"), now - std::chrono::hours(1));
    auto input = start(dir_);
    ASSERT_TRUE(input);
    ASSERT_TRUE(eventually([&] { return input->finished(); }));
    std::vector<std::string> out;
    input->drain(out, 100);
    EXPECT_EQ(out, numbered(1, 5));
}

TEST_F(FileInputs, ReadOnceWaitsForRoomInsteadOfDropping) {
    {
        std::ofstream f(path("audit.log"));
        for (int i = 1; i <= 30; ++i) f << line(i) << "\n";
    }
    InputConfig cfg;
    cfg.queue_payloads = 4;
    auto input = start(path("audit.log"), cfg);
    ASSERT_TRUE(input);
    std::vector<std::string> out;
    ASSERT_TRUE(eventually([&] {
        input->drain(out, 3);  // a slow loop
        return input->finished() && out.size() == 30;
    }));
    EXPECT_EQ(out, numbered(1, 30));
    EXPECT_EQ(input->counters().dropped_queue_full, 0u);
}

TEST_F(FileInputs, ReadOnceSignalsItsEndOnTheEventfd) {
    std::ofstream(path("empty.log")) << "";
    auto input = start(path("empty.log"));
    ASSERT_TRUE(input);
    pollfd p{input->wait_fd(), POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 5000), 1);
    EXPECT_TRUE(input->finished());
    InputConfig cfg;
    cfg.open_params = path("missing.log");
    std::string error;
    auto missing = make_input(cfg, error);
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->start(error));
}
