// Both TLS contexts refuse anything older than TLS 1.2 themselves (not only through the
// system's OpenSSL policy, which an operator may lower), and the server's names the file it
// cannot use.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "provisioning/https_server.hpp"
#include "provisioning/xmpp_login.hpp"

using namespace cusax::provisioning;

namespace {

// A key and a self-signed certificate for it, written as PEM files in a fresh directory.
struct KeyAndCertificate {
    KeyAndCertificate() {
        dir = std::filesystem::temp_directory_path() /
              ("cusax-tls-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        EVP_PKEY* key = EVP_RSA_gen(2048);
        X509* cert = X509_new();
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME* name = X509_get_subject_name(cert);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
        X509_set_issuer_name(cert, name);
        X509_sign(cert, key, EVP_sha256());
        write(key_file(), [&](FILE* f) {
            PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
        });
        write(certificate_file(), [&](FILE* f) { PEM_write_X509(f, cert); });
        X509_free(cert);
        EVP_PKEY_free(key);
    }
    ~KeyAndCertificate() { std::filesystem::remove_all(dir); }

    template <class Write>
    static void write(const std::string& path, Write w) {
        FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        w(f);
        std::fclose(f);
    }
    std::string key_file() const { return (dir / "key.pem").string(); }
    std::string certificate_file() const { return (dir / "cert.pem").string(); }

    std::filesystem::path dir;
};

TEST(TlsContexts, TheServerAcceptsTls12AndNewerOnly) {
    KeyAndCertificate files;
    HttpSettings settings;
    settings.certificate_file = files.certificate_file();
    settings.key_file = files.key_file();
    auto ctx = make_server_tls_context(settings);
    EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.native_handle()), TLS1_2_VERSION);
    EXPECT_NE(SSL_CTX_get_options(ctx.native_handle()) & SSL_OP_NO_RENEGOTIATION, 0u);
}

TEST(TlsContexts, TheServerNamesAFileItCannotUse) {
    KeyAndCertificate files;
    HttpSettings settings;
    settings.certificate_file = files.certificate_file();
    settings.key_file = files.certificate_file();  // not a key
    try {
        make_server_tls_context(settings);
        FAIL() << "a certificate taken for a key";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("key_file " + files.certificate_file()),
                  std::string::npos)
            << e.what();
    }
    settings.certificate_file = "/nonexistent/cert.pem";
    EXPECT_THROW(make_server_tls_context(settings), std::runtime_error);
}

TEST(TlsContexts, ThePasswordCheckAcceptsTls12AndNewerOnlyAndVerifiesTheServer) {
    XmppAuthSettings settings;
    auto ctx = make_xmpp_tls_context(settings);
    EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.native_handle()), TLS1_2_VERSION);
    EXPECT_NE(SSL_CTX_get_verify_mode(ctx.native_handle()) & SSL_VERIFY_PEER, 0);
    settings.ca_file = "/nonexistent/ca.pem";
    EXPECT_THROW(make_xmpp_tls_context(settings), std::runtime_error);
}

}  // namespace
