// The webhook over TLS: a CA, a server certificate and client certificates made with the
// openssl CLI in a temporary directory; client certificates of the right CA accepted, others
// refused and counted.
#include "sensor/audit_ingest/audit_input.h"
#include "support/audit_http_client.h"
#include "support/test_certs.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace sensor::audit_ingest;
using sensor::testing_support::AuditTestClient;
using sensor::testing_support::eventually;
using sensor::testing_support::TestCerts;
namespace fs = std::filesystem;

namespace {

class WebhookTls : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ =
            new std::string(::testing::TempDir() + "sensor-audit-tls-" + std::to_string(getpid()));
        fs::create_directories(*dir_);
        certs_ = new TestCerts;
        ok_ = certs_->make(*dir_);
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete certs_;
    }

    static std::string path(const std::string& name) { return certs_->path(name); }
    static SSL_CTX* client_context(const std::string& cert) { return certs_->client_context(cert); }

    std::unique_ptr<AuditInput> start(bool client_ca) {
        InputConfig cfg;
        cfg.open_params = "https://127.0.0.1:0/k8s-audit";
        cfg.ssl_certificate = path("server-bundle.pem");
        if (client_ca) cfg.ssl_client_ca = path("ca.crt");
        std::string error;
        auto input = make_input(cfg, error);
        EXPECT_TRUE(input && input->start(error)) << error;
        return input;
    }

    // POSTs an EventList with the client certificate `cert`; the status, -1 for none.
    int post_with(AuditInput& input, const std::string& cert,
                  const std::string& body = R"({"kind":"EventList","items":[]})") {
        SSL_CTX* ctx = client_context(cert);
        AuditTestClient c;
        int status = -1;
        if (c.connect_to(input.port(), ctx))  // TLS 1.3: a refused certificate shows on read
            status = c.post("/k8s-audit", body).status;
        c.disconnect();
        SSL_CTX_free(ctx);
        return status;
    }

    static std::string* dir_;
    static TestCerts* certs_;
    static bool ok_;
};

std::string* WebhookTls::dir_ = nullptr;
TestCerts* WebhookTls::certs_ = nullptr;
bool WebhookTls::ok_ = false;

}  // namespace

TEST_F(WebhookTls, ServesHttpsWithTheCombinedPem) {
    ASSERT_TRUE(ok_) << "openssl could not make the test certificates";
    auto input = start(false);
    ASSERT_TRUE(input);
    EXPECT_EQ(post_with(*input, ""), 200);
    std::string big = "{\"items\":[\"" + std::string(1 << 20, 'y') + "\"]}";
    EXPECT_EQ(post_with(*input, "", big), 200);  // many TLS records
    std::vector<std::string> out;
    EXPECT_EQ(input->drain(out, 10), 2u);
    EXPECT_EQ(out.back(), big);
    EXPECT_EQ(input->counters().rejected_tls, 0u);
}

TEST_F(WebhookTls, AcceptsOnlyClientCertificatesOfTheConfiguredCa) {
    ASSERT_TRUE(ok_) << "openssl could not make the test certificates";
    auto input = start(true);
    ASSERT_TRUE(input);
    EXPECT_FALSE(input->unauthenticated_remote());
    EXPECT_EQ(post_with(*input, "client"), 200);
    EXPECT_EQ(post_with(*input, "intruder"), -1);
    EXPECT_EQ(post_with(*input, ""), -1);
    EXPECT_TRUE(eventually([&] { return input->counters().rejected_tls == 2; }));
    std::vector<std::string> out;
    EXPECT_EQ(input->drain(out, 10), 1u);  // only the good client's
    EXPECT_EQ(input->counters().accepted, 1u);
}

TEST_F(WebhookTls, RefusesAPlainHttpClientOnTheTlsPort) {
    ASSERT_TRUE(ok_) << "openssl could not make the test certificates";
    auto input = start(false);
    ASSERT_TRUE(input);
    AuditTestClient c;
    ASSERT_TRUE(c.connect_to(input->port()));
    EXPECT_EQ(c.post("/k8s-audit", "{}").status, -1);
    EXPECT_TRUE(eventually([&] { return input->counters().rejected_tls == 1; }));
}

TEST_F(WebhookTls, StartFailsOnAMissingCertificateOrAClientCaOverHttp) {
    InputConfig cfg;
    cfg.open_params = "https://127.0.0.1:0/k8s-audit";
    cfg.ssl_certificate = path("missing.pem");
    std::string error;
    auto input = make_input(cfg, error);
    ASSERT_TRUE(input);
    EXPECT_FALSE(input->start(error));
    EXPECT_NE(error.find("sslCertificate"), std::string::npos) << error;
    cfg.open_params = "http://127.0.0.1:0/k8s-audit";
    cfg.ssl_client_ca = path("ca.crt");
    input = make_input(cfg, error);
    ASSERT_TRUE(input);
    EXPECT_FALSE(input->start(error));
    EXPECT_NE(error.find("sslClientCA"), std::string::npos) << error;
}
