#pragma once
// A TLS server context as Falco configures its servers: one PEM file with the certificate
// chain and the key (the audit webhook's sslCertificate, webserver.ssl_certificate) and,
// optionally, a CA whose client certificates are required.
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace sensor::ops {

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// Null with error naming cert_key (the config key) and the file (unreadable file, key not
// matching the certificate...).
SslCtxPtr make_tls_server_context(const std::string& cert_and_key_pem,
                                  const std::string& client_ca_pem, std::string& error,
                                  const std::string& cert_key = "sslCertificate");

// A server-side TLS session on an accepted fd, or null (fd then closed) when none can be made.
// With ctx null: null, fd left open (a plain connection).
SSL* new_tls_session(SSL_CTX* ctx, int fd, bool& failed);

}  // namespace sensor::ops
