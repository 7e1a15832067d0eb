#pragma once
// Certificates for TLS tests, made with the openssl CLI in a directory: two CAs ("ca" and
// "other-ca"), a server certificate of ca for 127.0.0.1 (also bundled with its key in one PEM,
// as Falco's sslCertificate wants), a client certificate of ca ("client") and one of other-ca
// ("intruder").
#include <openssl/ssl.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace sensor::testing_support {

class TestCerts {
  public:
    // False when openssl could not make them.
    bool make(const std::string& dir) {
        dir_ = dir;
        bool ok = make_ca("ca") && make_ca("other-ca") &&
                  make_cert("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost") &&
                  make_cert("client", "ca", "extendedKeyUsage=clientAuth") &&
                  make_cert("intruder", "other-ca", "extendedKeyUsage=clientAuth");
        std::ofstream(path("server-bundle.pem")) << std::ifstream(path("server.crt")).rdbuf()
                                                 << std::ifstream(path("server.key")).rdbuf();
        return ok;
    }

    std::string path(const std::string& name) const { return dir_ + "/" + name; }

    // A client context trusting ca, presenting `cert` (none when empty). The caller frees it.
    SSL_CTX* client_context(const std::string& cert) const {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx, path("ca.crt").c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        if (!cert.empty()) {
            SSL_CTX_use_certificate_file(ctx, path(cert + ".crt").c_str(), SSL_FILETYPE_PEM);
            SSL_CTX_use_PrivateKey_file(ctx, path(cert + ".key").c_str(), SSL_FILETYPE_PEM);
        }
        return ctx;
    }

  private:
    static bool run(const std::string& command) {
        return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
    }
    bool make_ca(const std::string& name) {
        return run(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
            "-days 1 -subj /CN=" +
            name + " -keyout " + path(name + ".key") + " -out " + path(name + ".crt"));
    }
    bool make_cert(const std::string& name, const std::string& ca, const std::string& ext) {
        std::ofstream(path(name + ".ext")) << ext << "\n";
        return run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "
                   "/CN=" +
                   name + " -keyout " + path(name + ".key") + " -out " + path(name + ".csr")) &&
               run("openssl x509 -req -days 1 -in " + path(name + ".csr") + " -CA " +
                   path(ca + ".crt") + " -CAkey " + path(ca + ".key") + " -CAcreateserial -out " +
                   path(name + ".crt") + " -extfile " + path(name + ".ext"));
    }

    std::string dir_;
};

}  // namespace sensor::testing_support
