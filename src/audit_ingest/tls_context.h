#pragma once
// The webhook's TLS server context: Falco's sslCertificate (one PEM with the certificate chain
// and the key) and, optionally, a CA whose client certificates are required.
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace sensor::audit_ingest {

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// Null with error (unreadable file, key not matching the certificate...).
SslCtxPtr make_tls_server_context(const std::string& cert_and_key_pem,
                                  const std::string& client_ca_pem, std::string& error);

}  // namespace sensor::audit_ingest
