// program_output: alerts on the standard input of a real shell command.
#include "sensor/output/program_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sensor::output;
using sensor::engine::Priority;

namespace {

std::vector<std::string> lines_of(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string temp_file(const std::string& name) {
    return ::testing::TempDir() + "sensor-program-" + std::to_string(getpid()) + "-" + name;
}

Alert alert(const std::string& line) {
    return Alert{line, Priority::Warning, 0};
}

}  // namespace

TEST(ProgramSink, KeepAliveFeedsOneProgramEveryLine) {
    std::string out = temp_file("keep"), pids = temp_file("keep-pids");
    std::filesystem::remove(out);
    std::filesystem::remove(pids);
    ProgramSink sink("echo $$ >> " + pids + "; cat >> " + out, true, false);
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(sink.write(alert(std::to_string(i))), WriteOutcome::written);
    ASSERT_TRUE(sink.flush());
    ASSERT_TRUE(sink.reopen());  // closes its input: the program finishes and is waited for
    EXPECT_EQ(lines_of(out), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
    EXPECT_EQ(lines_of(pids).size(), 1u);
    std::filesystem::remove(out);
    std::filesystem::remove(pids);
}

TEST(ProgramSink, WithoutKeepAliveEachBatchRunsTheProgramAgain) {
    std::string out = temp_file("batch"), pids = temp_file("batch-pids");
    std::filesystem::remove(out);
    std::filesystem::remove(pids);
    ProgramSink sink("echo $$ >> " + pids + "; cat >> " + out, false, true);
    ASSERT_EQ(sink.write(alert("a")), WriteOutcome::written);
    ASSERT_EQ(sink.write(alert("b")), WriteOutcome::written);
    ASSERT_TRUE(sink.flush());  // waits for the program, so the file is complete
    EXPECT_EQ(lines_of(out), (std::vector<std::string>{"a", "b"}));
    ASSERT_EQ(sink.write(alert("c")), WriteOutcome::written);
    ASSERT_TRUE(sink.flush());
    EXPECT_EQ(lines_of(out), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(lines_of(pids).size(), 2u);
    std::filesystem::remove(out);
    std::filesystem::remove(pids);
}

TEST(ProgramSink, AProgramThatExitsIsReportedAndStartedAgain) {
    std::string marker = temp_file("exits");
    std::filesystem::remove(marker);
    // Exits at once without reading: writing to it fails (EPIPE, not a signal).
    ProgramSink sink("echo started >> " + marker + "; exit 3", true, false);
    WriteOutcome first = WriteOutcome::written;
    for (int i = 0; i < 50 && first == WriteOutcome::written; ++i) {
        first = sink.write(alert(std::string(8192, 'x')));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_NE(first, WriteOutcome::written);
    EXPECT_NE(sink.last_error.find("program_output 'echo started"), std::string::npos)
        << sink.last_error;
    (void)sink.write(alert("again"));  // starts a new one
    sink.reopen();
    EXPECT_GE(lines_of(marker).size(), 2u);
    std::filesystem::remove(marker);
}
