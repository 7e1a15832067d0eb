// The fd and file sinks, on real files and pipes.
#include "sensor/output/fd_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace sensor::output;
using sensor::engine::Priority;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "sensor-output-" + std::to_string(getpid()) + "-" + name;
}

}  // namespace

TEST(FileSink, AppendsAndReopensAfterRename) {
    std::string path = temp_path("rotate.log");
    fs::remove(path);
    fs::remove(path + ".1");
    FileSink sink(path, /*keep_alive=*/true, /*buffered=*/false);
    ASSERT_TRUE(sink.open()) << sink.last_error;
    Alert a{"one", Priority::Warning, 0};
    ASSERT_EQ(sink.write(a), WriteOutcome::written);
    fs::rename(path, path + ".1");  // logrotate's move
    a.line = "two";
    ASSERT_EQ(sink.write(a), WriteOutcome::written);  // still the old file until reopened
    ASSERT_TRUE(sink.reopen());
    a.line = "three";
    ASSERT_EQ(sink.write(a), WriteOutcome::written);
    EXPECT_EQ(read_lines(path + ".1"), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"three"}));
    fs::remove(path);
    fs::remove(path + ".1");
}

TEST(FileSink, WithoutKeepAliveEachBatchReopensThePath) {
    std::string path = temp_path("nokeep.log");
    fs::remove(path);
    FileSink sink(path, /*keep_alive=*/false, /*buffered=*/true);
    ASSERT_TRUE(sink.open());
    Alert a{"first", Priority::Warning, 0};
    ASSERT_EQ(sink.write(a), WriteOutcome::written);
    ASSERT_TRUE(sink.flush());
    fs::rename(path, path + ".old");
    a.line = "second";
    ASSERT_EQ(sink.write(a),
              WriteOutcome::written);  // no signal needed: the next batch opens the path again
    ASSERT_TRUE(sink.flush());
    EXPECT_EQ(read_lines(path + ".old"), (std::vector<std::string>{"first"}));
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"second"}));
    fs::remove(path);
    fs::remove(path + ".old");
}

TEST(FileSink, UnwritablePathIsAnErrorNamingIt) {
    FileSink sink("/nonexistent-dir/alerts.log", true, false);
    EXPECT_FALSE(sink.open());
    EXPECT_NE(sink.last_error.find("/nonexistent-dir/alerts.log"), std::string::npos);
}

TEST(FdSink, PipeNobodyReadsFailsAfterTheTimeoutInsteadOfHanging) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    fcntl(p[1], F_SETPIPE_SZ, 4096);
    FdSink sink("pipe", p[1], false);
    Alert a{std::string(3000, 'x'), Priority::Warning, 0};
    ASSERT_EQ(sink.write(a), WriteOutcome::written);  // fits
    auto start = std::chrono::steady_clock::now();
    // The reader never reads: nothing of this alert went out, so it can be retried.
    EXPECT_EQ(sink.write(a), WriteOutcome::unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_NE(sink.last_error.find("timed out"), std::string::npos);
    close(p[0]);
    close(p[1]);
}
