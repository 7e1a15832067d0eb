// The pieces of the inputs without sockets: open_params, request heads, bearer tokens, the
// line splitter, the token bucket and the queue.
#include "sensor/audit_ingest/http_request.h"
#include "sensor/audit_ingest/line_splitter.h"
#include "sensor/audit_ingest/open_params.h"
#include "sensor/audit_ingest/payload_queue.h"
#include "sensor/audit_ingest/token_bucket.h"

#include <poll.h>

#include <gtest/gtest.h>

#include <thread>

using namespace sensor::audit_ingest;

TEST(OpenParams, NamesTheInputAndWhere) {
    OpenParams p;
    std::string error;
    ASSERT_TRUE(parse_open_params("http://:9765/k8s-audit", p, error)) << error;
    EXPECT_EQ(p.kind, OpenParams::Kind::Webhook);
    EXPECT_FALSE(p.tls);
    EXPECT_EQ(p.host, "");
    EXPECT_EQ(p.port, 9765);
    EXPECT_EQ(p.path, "/k8s-audit");
    ASSERT_TRUE(parse_open_params("https://[::1]:443", p, error)) << error;
    EXPECT_TRUE(p.tls);
    EXPECT_EQ(p.host, "::1");
    EXPECT_EQ(p.path, "/");
    ASSERT_TRUE(parse_open_params("http://audit.local:80/a/b", p, error));
    EXPECT_EQ(p.host, "audit.local");
    ASSERT_TRUE(parse_open_params("file:///var/log/audit.log", p, error));
    EXPECT_EQ(p.kind, OpenParams::Kind::FollowFile);
    EXPECT_EQ(p.path, "/var/log/audit.log");
    ASSERT_TRUE(parse_open_params("/var/log/audit", p, error));
    EXPECT_EQ(p.kind, OpenParams::Kind::ReadOnce);
    for (const char* bad : {"http://localhost/k8s-audit", "http://:99999/x", "http://::1:80/x",
                            "ftp://x/y", "file://", "", "http://:80/x?y=1"})
        EXPECT_FALSE(parse_open_params(bad, p, error)) << bad;
}

TEST(RequestHead, ParsesFramingAndHeaders) {
    RequestHead h;
    std::string why;
    ASSERT_TRUE(
        parse_request_head("POST /k8s-audit?x=1 HTTP/1.1\r\nContent-Type: application/json"
                           "\r\ncontent-length:  42 \r\nExpect: 100-continue",
                           h, why))
        << why;
    EXPECT_EQ(h.method, "POST");
    EXPECT_EQ(h.path, "/k8s-audit");
    EXPECT_TRUE(h.has_length);
    EXPECT_EQ(h.content_length, 42u);
    EXPECT_TRUE(h.keep_alive);
    EXPECT_TRUE(h.expect_continue);
    ASSERT_NE(h.header("content-type"), nullptr);
    EXPECT_EQ(*h.header("content-type"), "application/json");
    ASSERT_TRUE(parse_request_head("POST http://h:1/p HTTP/1.0", h, why));
    EXPECT_EQ(h.path, "/p");
    EXPECT_FALSE(h.keep_alive);
    ASSERT_TRUE(
        parse_request_head("POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                           "Connection: TE, Close",
                           h, why));
    EXPECT_TRUE(h.chunked);
    EXPECT_FALSE(h.keep_alive);
    ASSERT_TRUE(parse_request_head("POST /p HTTP/1.0\r\nConnection: keep-alive", h, why));
    EXPECT_TRUE(h.keep_alive);
}

TEST(RequestHead, RefusesAmbiguousFraming) {
    RequestHead h;
    std::string why;
    for (const char* bad :
         {"POST /p HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked",
          "POST /p HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2",
          "POST /p HTTP/1.1\r\nContent-Length: -1", "POST /p HTTP/1.1\r\nContent-Length: 1x",
          "POST /p HTTP/1.1\r\nTransfer-Encoding: gzip, chunked", "POST /p HTTP/2.0",
          "POST /p HTTP/1.1\r\nBad Header: x", "POST /p HTTP/1.1\r\n folded: x", "GARBAGE"})
        EXPECT_FALSE(parse_request_head(bad, h, why)) << bad;
}

TEST(BearerToken, MatchesOnlyTheExactToken) {
    std::string ok = "Bearer abc.def", lower_scheme = "bearer abc.def", wrong = "Bearer abc.deg";
    std::string basic = "Basic abc.def", prefix = "Bearer abc", longer = "Bearer abc.defg";
    EXPECT_TRUE(bearer_token_matches(&ok, "abc.def"));
    EXPECT_TRUE(bearer_token_matches(&lower_scheme, "abc.def"));
    EXPECT_FALSE(bearer_token_matches(nullptr, "abc.def"));
    for (const std::string* v : {&wrong, &basic, &prefix, &longer})
        EXPECT_FALSE(bearer_token_matches(v, "abc.def")) << *v;
}

TEST(LineSplitter, CutsLinesAcrossFeedsAndSkipsOversizedOnes) {
    LineSplitter s(8);
    std::vector<std::string> lines;
    auto take = [&](std::string& l) {
        lines.push_back(l);
        return true;
    };
    s.feed("ab", take);
    s.feed("c\r\n\nde", take);
    EXPECT_EQ(lines, (std::vector<std::string>{"abc"}));
    s.feed("f\n123456789012", take);  // the second line passes 8 before its newline
    s.feed("345\n12345678\r\nlast", take);
    EXPECT_EQ(lines, (std::vector<std::string>{"abc", "def", "12345678"}));
    EXPECT_EQ(s.too_long(), 1u);
    EXPECT_TRUE(s.has_partial());
    s.flush(take);
    EXPECT_EQ(lines.back(), "last");
}

TEST(TokenBucket, AllowsABurstThenTheRate) {
    TokenBucket b(2);  // 2 a second, bursts of 2
    auto t0 = TokenBucket::Clock::now();
    EXPECT_TRUE(b.take(t0));
    EXPECT_TRUE(b.take(t0));
    EXPECT_FALSE(b.take(t0));
    EXPECT_FALSE(b.take(t0 + std::chrono::milliseconds(400)));
    EXPECT_TRUE(b.take(t0 + std::chrono::milliseconds(600)));
    TokenBucket unlimited(0);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unlimited.take(t0));
}

TEST(PayloadQueue, IsBoundedAndItsEventfdFollowsItsContent) {
    PayloadQueue q(2);
    std::string a = "a", b = "b", c = "c";
    pollfd p{q.event_fd(), POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 0), 0);
    EXPECT_TRUE(q.try_push(a));
    EXPECT_TRUE(q.try_push(b));
    EXPECT_FALSE(q.try_push(c));
    EXPECT_EQ(c, "c");  // untouched when refused
    EXPECT_EQ(poll(&p, 1, 0), 1);
    std::vector<std::string> out;
    EXPECT_EQ(q.drain(out, 1), 1u);
    EXPECT_EQ(poll(&p, 1, 0), 1);  // one left
    EXPECT_EQ(q.drain(out, 10), 1u);
    EXPECT_EQ(poll(&p, 1, 0), 0);
    EXPECT_EQ(out, (std::vector<std::string>{"a", "b"}));
}

TEST(PayloadQueue, PushWaitBlocksUntilRoomOrStop) {
    PayloadQueue q(1);
    std::atomic<bool> stop{false};
    std::string first = "1", second = "2", third = "3";
    ASSERT_TRUE(q.push_wait(first, stop));
    std::thread drainer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::vector<std::string> out;
        q.drain(out, 1);
    });
    EXPECT_TRUE(q.push_wait(second, stop));  // returns once the drainer made room
    drainer.join();
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stop = true;
        q.wake_waiters();
    });
    EXPECT_FALSE(q.push_wait(third, stop));
    stopper.join();
    EXPECT_EQ(q.size(), 1u);
}
