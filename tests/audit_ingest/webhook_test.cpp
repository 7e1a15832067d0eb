// The webhook input over real sockets on 127.0.0.1 (plain HTTP here; TLS in webhook_tls_test).
#include "sensor/audit_ingest/audit_input.h"
#include "support/audit_http_client.h"

#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

using namespace sensor::audit_ingest;
using sensor::testing_support::AuditTestClient;
using sensor::testing_support::eventually;

namespace {

const std::string kEventList =
    R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{"kind":"Event",)"
    R"("apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete",)"
    R"("requestURI":"/api/v1/pods","verb":"list","stageTimestamp":"2024-01-01T00:00:00.000001Z"}]})";

std::unique_ptr<AuditInput> start_webhook(InputConfig cfg, std::string url = "") {
    cfg.open_params = url.empty() ? "http://127.0.0.1:0/k8s-audit" : url;
    std::string error;
    auto input = make_input(cfg, error);
    EXPECT_TRUE(input) << error;
    if (!input) return nullptr;
    EXPECT_TRUE(input->start(error)) << error;
    EXPECT_NE(input->port(), 0);
    return input;
}

std::vector<std::string> drain_all(AuditInput& input) {
    std::vector<std::string> out;
    input.drain(out, 1000);
    return out;
}

bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
}

}  // namespace

TEST(Webhook, QueuesAPostedEventListAndSignalsItsEventfd) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    EXPECT_FALSE(readable(input->wait_fd(), 0));
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    auto answer = c.post("/k8s-audit", kEventList);
    EXPECT_EQ(answer.status, 200);
    EXPECT_TRUE(readable(input->wait_fd(), 1000));
    EXPECT_EQ(drain_all(*input), std::vector<std::string>{kEventList});
    EXPECT_FALSE(readable(input->wait_fd(), 0));  // empty again
    EXPECT_EQ(input->counters().accepted, 1u);
    EXPECT_EQ(input->counters().bytes, kEventList.size());
    EXPECT_EQ(input->describe(),
              "webhook http://127.0.0.1:" + std::to_string(input->port()) + "/k8s-audit");
}

TEST(Webhook, KeepsTheConnectionAliveAcrossRequests) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(c.post("/k8s-audit", kEventList).status, 200) << i;
    EXPECT_EQ(input->counters().connections, 1u);
    EXPECT_EQ(drain_all(*input).size(), 3u);
}

TEST(Webhook, TakesAChunkedBody) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    std::string a = kEventList.substr(0, 10), b = kEventList.substr(10);
    char size_a[16], size_b[16];
    snprintf(size_a, sizeof size_a, "%zx", a.size());
    snprintf(size_b, sizeof size_b, "%zX;ext=1", b.size());
    ASSERT_TRUE(
        c.send("POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n" +
               std::string(size_a) + "\r\n" + a + "\r\n" + size_b + "\r\n" + b + "\r\n0\r\n\r\n"));
    EXPECT_EQ(c.read_answer().status, 200);
    EXPECT_EQ(drain_all(*input), std::vector<std::string>{kEventList});
    EXPECT_EQ(c.post("/k8s-audit", "{}").status, 200);  // the framing ended where it should
}

TEST(Webhook, AnswersMethodPathTypeAndLengthErrors) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    ASSERT_TRUE(c.send("GET /k8s-audit HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto get = c.read_answer();
    EXPECT_EQ(get.status, 405);
    EXPECT_EQ(get.headers["allow"], "POST");
    EXPECT_EQ(c.post("/other", kEventList).status, 404);
    EXPECT_EQ(c.post("/k8s-audit", kEventList, "", "text/plain").status, 400);
    EXPECT_EQ(c.post("/k8s-audit?x=1", kEventList, "", "application/json; charset=utf-8").status,
              200);  // the query is not part of the path; parameters after the type are fine
    ASSERT_TRUE(c.send("POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"));
    EXPECT_EQ(c.read_answer().status, 411);
    const InputCounters& n = input->counters();
    EXPECT_EQ(n.rejected_method, 1u);
    EXPECT_EQ(n.rejected_path, 1u);
    EXPECT_EQ(n.rejected_content_type, 1u);
    EXPECT_EQ(n.rejected_length_required, 1u);
    EXPECT_EQ(n.accepted, 1u);
    EXPECT_EQ(n.requests, 5u);
}

TEST(Webhook, RefusesAnOversizedBodyWithoutReadingIt) {
    InputConfig cfg;
    cfg.webhook_max_batch_size = 1000;
    auto input = start_webhook(cfg);
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    // Only the head is sent: an answer proves the server did not wait for the 5000 bytes.
    ASSERT_TRUE(
        c.send("POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\n"
               "Content-Length: 5000\r\n\r\n"));
    EXPECT_EQ(c.read_answer().status, 400);
    EXPECT_TRUE(c.closed_by_server());
    // Chunked: refused once the chunks pass the limit.
    AuditTestClient d;
    ASSERT_TRUE(d.connect_to(input->port()));
    ASSERT_TRUE(
        d.send("POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n3e8\r\n" +
               std::string(1000, 'x') + "\r\n1\r\n"));
    EXPECT_EQ(d.read_answer().status, 400);
    EXPECT_EQ(input->counters().rejected_too_large, 2u);
    EXPECT_TRUE(drain_all(*input).empty());
}

TEST(Webhook, CountsATruncatedBodyAndKeepsServing) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    {
        AuditTestClient c;
        ASSERT_TRUE(c.connect_to(input->port()));
        ASSERT_TRUE(
            c.send("POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\n"
                   "Content-Length: 100\r\n\r\n" +
                   kEventList.substr(0, 50)));
        c.shutdown_write();
        EXPECT_TRUE(c.closed_by_server());
    }
    ASSERT_TRUE(eventually([&] { return input->counters().truncated_bodies == 1; }));
    EXPECT_TRUE(drain_all(*input).empty());
    AuditTestClient d;
    ASSERT_TRUE(d.connect_to(input->port()));
    EXPECT_EQ(d.post("/k8s-audit", kEventList).status, 200);
    EXPECT_EQ(drain_all(*input).size(), 1u);
}

TEST(Webhook, RequiresTheBearerTokenWhenConfigured) {
    std::string token_file = ::testing::TempDir() + "audit-token-" + std::to_string(getpid());
    std::ofstream(token_file) << "s3cret-token\n";
    InputConfig cfg;
    cfg.bearer_token_file = token_file;
    auto input = start_webhook(cfg);
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    auto missing = c.post("/k8s-audit", kEventList);
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(missing.headers["www-authenticate"], "Bearer");
    EXPECT_EQ(c.post("/k8s-audit", kEventList, "Authorization: Bearer s3cret-tokeX\r\n").status,
              401);
    EXPECT_EQ(c.post("/k8s-audit", kEventList, "Authorization: Bearer s3cret\r\n").status, 401);
    EXPECT_EQ(c.post("/k8s-audit", kEventList, "Authorization: Bearer s3cret-token\r\n").status,
              200);
    EXPECT_EQ(input->counters().rejected_auth, 3u);
    EXPECT_EQ(drain_all(*input).size(), 1u);
    unlink(token_file.c_str());
}

TEST(Webhook, RateLimitsPerConnectionAndGlobally) {
    InputConfig cfg;
    cfg.rate_limit_conn_rps = 2;  // bursts of 2 per connection
    cfg.rate_limit_rps = 3;       // bursts of 3 in all
    auto input = start_webhook(cfg);
    ASSERT_TRUE(input);
    AuditTestClient a, b;
    ASSERT_TRUE(a.connect_to(input->port()));
    ASSERT_TRUE(b.connect_to(input->port()));
    EXPECT_EQ(a.post("/k8s-audit", "{}").status, 200);
    EXPECT_EQ(a.post("/k8s-audit", "{}").status, 200);
    auto limited = a.post("/k8s-audit", "{}");
    EXPECT_EQ(limited.status, 429);  // this connection's burst is spent
    EXPECT_EQ(limited.headers["retry-after"], "1");
    EXPECT_EQ(b.post("/k8s-audit", "{}").status, 200);  // a fresh connection: the third overall
    EXPECT_EQ(b.post("/k8s-audit", "{}").status, 429);  // the global burst is spent
    EXPECT_EQ(input->counters().rate_limited, 2u);
    EXPECT_EQ(input->counters().accepted, 3u);
}

TEST(Webhook, AnswersServiceUnavailableWhenTheQueueIsFull) {
    InputConfig cfg;
    cfg.queue_payloads = 2;
    auto input = start_webhook(cfg);
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    EXPECT_EQ(c.post("/k8s-audit", "{\"n\":1}").status, 200);
    EXPECT_EQ(c.post("/k8s-audit", "{\"n\":2}").status, 200);
    auto full = c.post("/k8s-audit", "{\"n\":3}");
    EXPECT_EQ(full.status, 503);
    EXPECT_EQ(full.headers["retry-after"], "1");
    EXPECT_EQ(input->counters().rejected_queue_full, 1u);
    EXPECT_EQ(drain_all(*input), (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}"}));
    EXPECT_EQ(c.post("/k8s-audit", "{\"n\":3}").status, 200);  // the API server's retry
    EXPECT_EQ(drain_all(*input), std::vector<std::string>{"{\"n\":3}"});
    EXPECT_EQ(input->counters().dropped_queue_full, 0u);
}

TEST(Webhook, ClosesASlowClientAfterTheHeaderTimeout) {
    InputConfig cfg;
    cfg.header_timeout_ms = 200;
    auto input = start_webhook(cfg);
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    ASSERT_TRUE(c.send("POST /k8s-audit HTTP/1.1\r\nContent-Type: appl"));
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
    EXPECT_TRUE(eventually([&] { return input->counters().timeouts == 1; }));
}

TEST(Webhook, ClosesConnectionsOverTheCap) {
    InputConfig cfg;
    cfg.max_connections = 1;
    auto input = start_webhook(cfg);
    ASSERT_TRUE(input);
    AuditTestClient first, second;
    ASSERT_TRUE(first.connect_to(input->port()));
    ASSERT_TRUE(eventually([&] { return input->counters().connections == 1; }));
    ASSERT_TRUE(second.connect_to(input->port()));
    EXPECT_TRUE(second.closed_by_server());
    EXPECT_EQ(input->counters().connections_refused, 1u);
    EXPECT_EQ(first.post("/k8s-audit", "{}").status, 200);
}

TEST(Webhook, SaysWhenAnyoneCouldForgeEvents) {
    auto local = start_webhook({});
    ASSERT_TRUE(local);
    EXPECT_FALSE(local->unauthenticated_remote());
    auto everywhere = start_webhook({}, "http://:0/k8s-audit");
    ASSERT_TRUE(everywhere);
    EXPECT_TRUE(everywhere->unauthenticated_remote());
    AuditTestClient c;  // all interfaces include loopback
    ASSERT_TRUE(c.connect_to(everywhere->port()));
    EXPECT_EQ(c.post("/k8s-audit", "{}").status, 200);
    InputConfig with_token;
    with_token.bearer_token_file = "/nonexistent";
    with_token.open_params = "http://:0/k8s-audit";
    std::string error;
    auto guarded = make_input(with_token, error);
    ASSERT_TRUE(guarded);
    EXPECT_FALSE(guarded->start(error));  // an unreadable token file is an error, not "open"
    EXPECT_NE(error.find("bearerTokenFile"), std::string::npos);
}

TEST(Webhook, StartFailsOnAPortInUse) {
    auto first = start_webhook({});
    ASSERT_TRUE(first);
    InputConfig cfg;
    cfg.open_params = "http://127.0.0.1:" + std::to_string(first->port()) + "/k8s-audit";
    std::string error;
    auto second = make_input(cfg, error);
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->start(error));
    EXPECT_NE(error.find("cannot listen"), std::string::npos) << error;
}

TEST(Webhook, StopsPromptlyWithAnIdleConnectionOpen) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    EXPECT_EQ(c.post("/k8s-audit", "{}").status, 200);
    auto start = std::chrono::steady_clock::now();
    input->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_TRUE(c.closed_by_server());
}

TEST(Webhook, TakesALargeBatchAndPipelinedRequests) {
    auto input = start_webhook({});
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    std::string big = "{\"items\":[\"" + std::string(3 << 20, 'x') + "\"]}";
    EXPECT_EQ(c.post("/k8s-audit", big).status, 200);
    auto request = [](const std::string& body) {
        return "POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    ASSERT_TRUE(c.send(request("{\"a\":1}") + request("{\"b\":2}")));  // one write, two requests
    EXPECT_EQ(c.read_answer().status, 200);
    EXPECT_EQ(c.read_answer().status, 200);
    EXPECT_EQ(drain_all(*input), (std::vector<std::string>{big, "{\"a\":1}", "{\"b\":2}"}));
}
