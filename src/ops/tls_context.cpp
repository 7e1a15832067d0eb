#include "sensor/ops/tls_context.h"

#include <openssl/err.h>
#include <unistd.h>

namespace sensor::ops {
namespace {

std::string openssl_error(const std::string& what) {
    char buf[256] = "unknown error";
    if (unsigned long e = ERR_get_error(); e != 0) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return what + ": " + buf;
}

bool require_client_certificates(SSL_CTX* ctx, const std::string& ca, std::string& error) {
    if (SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) != 1) {
        error = openssl_error("sslClientCA " + ca);
        return false;
    }
    // The CA names sent in the CertificateRequest let clients pick the right certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.c_str());
    if (names == nullptr) {
        error = openssl_error("sslClientCA " + ca);
        return false;
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    return true;
}

}  // namespace

SslCtxPtr make_tls_server_context(const std::string& cert_and_key_pem,
                                  const std::string& client_ca_pem, std::string& error,
                                  const std::string& cert_key) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) {
        error = openssl_error("TLS context");
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // A peer closing without close_notify is an end of stream like any other here (a body it
    // truncated is caught by the framing), not an error of its own.
    SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    const char* pem = cert_and_key_pem.c_str();
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), pem) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx.get(), pem, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx.get()) != 1) {
        error = openssl_error(cert_key + " " + cert_and_key_pem +
                              " (one PEM with the certificate and its key)");
        return nullptr;
    }
    if (!client_ca_pem.empty() && !require_client_certificates(ctx.get(), client_ca_pem, error))
        return nullptr;
    return ctx;
}

SSL* new_tls_session(SSL_CTX* ctx, int fd, bool& failed) {
    failed = false;
    if (ctx == nullptr) return nullptr;
    SSL* ssl = SSL_new(ctx);
    if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        close(fd);
        failed = true;
        return nullptr;
    }
    return ssl;
}

}  // namespace sensor::ops
