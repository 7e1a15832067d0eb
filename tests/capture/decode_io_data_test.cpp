// I/O data records: the data section after the strings becomes evt.buffer (raw bytes, for
// contains/bcontains), the data parameter (Falco's text form) and evt.buflen (the result).
#include "capture/record_builder.h"
#include "sensor/capture/record_view.h"
#include "sensor/engine/output_template.h"
#include "support/alloc_counter.h"
#include "support/condition_harness.h"

namespace sensor::testing {
namespace {

using namespace std::string_literals;

class DecodeIoDataTest : public RecordDecoderTest {
  protected:
    ~DecodeIoDataTest() override { fields::set_buffer_format_base64(false); }

    static std::string render(const char* format, const fields::Event& ev) {
        engine::OutputTemplate t = engine::compile_output(format);
        std::string out;
        t.render(ev, out);
        return out;
    }
};

TEST_F(DecodeIoDataTest, WriteCarriesItsDataAndLength) {
    start_process();
    SyscallRec r;
    r.name = "write";
    r.ret = 16;
    r.args = {1, 0x7ffd0000, 16};
    r.data = "SECRETTOKEN\x01\x02\n\x7f\xff"s;
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(dec_.stats().malformed, 0u);
    EXPECT_TRUE(ev->has_buffer);
    EXPECT_EQ(ev->buffer, r.data);
    // Falco's exit parameters: res, data, fd, size.
    ASSERT_EQ(ev->param_count, 4u);
    EXPECT_EQ(ev->params[1].name, "data");
    EXPECT_EQ(ev->param("data")->text, "SECRETTOKEN.....");
    EXPECT_EQ(ev->param("fd")->raw, 1);
    EXPECT_EQ(ev->param("size")->raw, 16);
    EXPECT_MATCH("evt.buffer contains SECRETTOKEN", *ev);
    // As in Falco, buffers take no case-insensitive comparison.
    EXPECT_FALSE(cond_test::compiles("evt.buffer icontains secrettoken"));
    EXPECT_MATCH("evt.buffer bcontains 0102", *ev);
    EXPECT_MATCH("evt.buffer bstartswith 534543", *ev);
    EXPECT_NO_MATCH("evt.buffer bstartswith 0102", *ev);
    EXPECT_NO_MATCH("evt.buffer contains OTHER", *ev);
    EXPECT_MATCH("evt.arg.data contains SECRETTOKEN", *ev);
    EXPECT_MATCH("evt.buflen = 16", *ev);
    EXPECT_EQ(render("%evt.buffer|%evt.buflen|%evt.arg.data", *ev),
              "SECRETTOKEN.....|16|SECRETTOKEN.....");
}

// The snaplen cuts the data, never the length: evt.buflen is the call's result.
TEST_F(DecodeIoDataTest, TruncatedDataKeepsTheFullLength) {
    start_process();
    SyscallRec r;
    r.name = "read";
    r.ret = 5000;
    r.args = {3, 0x7ffd0000, 8192};
    r.data = std::string(80, 'a');
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->buffer.size(), 80u);
    EXPECT_MATCH("evt.buflen = 5000", *ev);
    EXPECT_EQ(ev->param("size")->raw, 8192);
}

TEST_F(DecodeIoDataTest, FailedReadHasNoLengthAndAnEmptyBuffer) {
    start_process();
    SyscallRec r;
    r.name = "read";
    r.ret = -11;  // EAGAIN
    r.args = {3, 0x7ffd0000, 64};
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->has_buffer);
    EXPECT_TRUE(ev->buffer.empty());
    EXPECT_NO_MATCH("evt.buflen exists", *ev);
    EXPECT_MATCH("evt.buffer exists", *ev);
}

// Calls without data have neither field.
TEST_F(DecodeIoDataTest, OtherCallsHaveNoBuffer) {
    start_process();
    const fields::Event* ev = open_file(5, "/etc/hosts", 0);
    ASSERT_NE(ev, nullptr);
    EXPECT_FALSE(ev->has_buffer);
    EXPECT_NO_MATCH("evt.buffer exists", *ev);
    EXPECT_NO_MATCH("evt.buflen exists", *ev);
}

// Socket calls: the socket section, then the data.
TEST_F(DecodeIoDataTest, SendtoCarriesSocketAndData) {
    start_process();
    SyscallRec r;
    r.name = "sendto";
    r.ret = 3;
    r.args = {4, 0x7ffd0000, 3};
    r.sock.family = 2;
    r.data = "\x00\x01\x02"s;
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(ev->buffer, r.data);
    EXPECT_MATCH("evt.buffer bcontains 000102", *ev);
    EXPECT_EQ(ev->param("data")->text, "...");
    const events::SyscallEntry* e = events::syscall_entry("sendto");
    ASSERT_NE(e, nullptr);
    for (size_t i = 0; i < e->params.size(); ++i) EXPECT_EQ(ev->params[i].name, e->params[i].name);
}

TEST_F(DecodeIoDataTest, Base64Format) {
    start_process();
    SyscallRec r;
    r.name = "write";
    r.ret = 5;
    r.args = {1, 0x7ffd0000, 5};
    r.data = "hello";
    fields::set_buffer_format_base64(true);
    const fields::Event* ev = decode(build(r));
    ASSERT_NE(ev, nullptr);
    EXPECT_EQ(render("%evt.buffer %evt.arg.data", *ev), "aGVsbG8= aGVsbG8=");
    // Conditions see the bytes, whatever the output format.
    EXPECT_MATCH("evt.buffer = hello", *ev);
}

TEST(BufferFormat, DotsAndBase64) {
    std::string out;
    fields::append_buffer_dots("a\tb~\x7f\x80 z"s, out);
    EXPECT_EQ(out, "a.b~.. z");
    for (auto [in, want] : {std::pair{"", ""},
                            {"f", "Zg=="},
                            {"fo", "Zm8="},
                            {"foo", "Zm9v"},
                            {"foob", "Zm9vYg=="},
                            {"fooba", "Zm9vYmE="},
                            {"foobar", "Zm9vYmFy"}}) {
        out.clear();
        fields::append_base64(in, out);
        EXPECT_EQ(out, want) << in;
    }
}

// A data length past the record's end makes the record malformed, not an overread.
TEST_F(DecodeIoDataTest, DataPastTheEndIsMalformed) {
    start_process();
    SyscallRec r;
    r.name = "write";
    r.ret = 4;
    r.args = {1, 0x7ffd0000, 4};
    r.data = "abcd";
    Bytes b = build(r);
    reinterpret_cast<sensor_syscall_exit*>(b.data())->data_len = 5;
    EXPECT_EQ(decode(b), nullptr);
    EXPECT_EQ(dec_.stats().malformed, 1u);
    capture::SyscallView v;
    b.resize(b.size() - 1);
    reinterpret_cast<sensor_syscall_exit*>(b.data())->data_len = 4;
    EXPECT_FALSE(capture::parse_syscall(b.data(), b.size(), v));
}

// Writes with data decode without allocating once warm (the data buffer is reused).
TEST_F(DecodeIoDataTest, SteadyStateAllocatesNothing) {
    start_process();
    ASSERT_NE(open_file(5, "/tmp/out.bin", 1 /* O_WRONLY */), nullptr);
    SyscallRec r;
    r.name = "write";
    r.ret = 80;
    r.args = {5, 0x7ffd0000, 80};
    r.data = std::string(80, 'x');
    Bytes b = build(r);
    for (int i = 0; i < 3; ++i) ASSERT_NE(decode(b), nullptr);
    uint64_t before = testing_support::allocation_count();
    for (int i = 0; i < 100; ++i) ASSERT_NE(decode(b), nullptr);
    EXPECT_EQ(testing_support::allocation_count() - before, 0u);
}

}  // namespace
}  // namespace sensor::testing
