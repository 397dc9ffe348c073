// cusaxctl doctor's certificate check: certificates made here with OpenSSL, valid, expiring,
// expired and not yet valid, and agent.pem with and without its key; judged at a fixed time.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>

#include "cusaxctl/doctor/certificate_check.hpp"
#include "cusaxctl_test_support.hpp"

namespace cusax::ctl::doctor {
namespace {

using testing::TempDir;

constexpr std::time_t kNow = 1'700'000'000;  // 2023-11-14 22:13 UTC
constexpr long kDay = 24 * 60 * 60;

struct KeyAndCertificate {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
    std::unique_ptr<X509, decltype(&X509_free)> certificate{nullptr, X509_free};
};

// A self-signed certificate for CN=name valid from kNow + from_days to kNow + to_days.
KeyAndCertificate make_certificate(const char* name, long from_days, long to_days) {
    KeyAndCertificate out;
    out.key.reset(EVP_EC_gen("P-256"));
    out.certificate.reset(X509_new());
    X509* x = out.certificate.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_time_adj_ex(X509_getm_notBefore(x), static_cast<int>(from_days), 0,
                     const_cast<std::time_t*>(&kNow));
    X509_time_adj_ex(X509_getm_notAfter(x), static_cast<int>(to_days), 0,
                     const_cast<std::time_t*>(&kNow));
    X509_NAME* subject = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name), -1, -1, 0);
    X509_set_issuer_name(x, subject);
    X509_set_pubkey(x, out.key.get());
    X509_sign(x, out.key.get(), EVP_sha256());
    return out;
}

// Writes the key (when given) and the certificates in PEM, the key first as Sofia-SIP's
// agent.pem has it, or last.
std::string write_pem(const TempDir& dir, const std::string& name, EVP_PKEY* key,
                      std::initializer_list<X509*> certificates, bool key_last = false) {
    const auto path = (dir.path() / name).string();
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (key && !key_last) PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    for (X509* c : certificates) PEM_write_X509(f, c);
    if (key && key_last) PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    return path;
}

CheckResult judge(const std::string& path, bool key_wanted = false) {
    return certificate_verdict(read_pem_file("[sip-proxy] tls_certificate_dir", path, key_wanted),
                               kNow, 30);
}

TEST(DoctorCertificates, ValidExpiringExpiredNotYetValid) {
    TempDir dir;
    const auto valid = make_certificate("valid", -1, 365);
    auto r = judge(write_pem(dir, "valid.pem", nullptr, {valid.certificate.get()}));
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    EXPECT_NE(r.detail.find("CN=valid valid until 2024-11-13 22:13 UTC (365 days)"),
              std::string::npos)
        << r.detail;

    const auto soon = make_certificate("soon", -1, 10);
    r = judge(write_pem(dir, "soon.pem", nullptr, {soon.certificate.get()}));
    EXPECT_EQ(r.verdict, Verdict::warning) << r.detail;
    EXPECT_NE(r.detail.find("(10 days)"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("renew"), std::string::npos);

    const auto expired = make_certificate("expired", -30, -1);
    r = judge(write_pem(dir, "expired.pem", nullptr, {expired.certificate.get()}));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("CN=expired expired on 2023-11-13 22:13 UTC"), std::string::npos)
        << r.detail;

    const auto future = make_certificate("future", 2, 365);
    r = judge(write_pem(dir, "future.pem", nullptr, {future.certificate.get()}));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("not valid before"), std::string::npos) << r.detail;
}

TEST(DoctorCertificates, AFileIsAsGoodAsItsFirstCertificateToEnd) {
    TempDir dir;
    const auto ca = make_certificate("ca", -1, 3650);
    const auto old_ca = make_certificate("old-ca", -100, -2);
    const auto r = judge(
        write_pem(dir, "cafile.pem", nullptr, {ca.certificate.get(), old_ca.certificate.get()}));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("CN=old-ca (the first to end of 2) expired"), std::string::npos)
        << r.detail;
}

TEST(DoctorCertificates, AgentPemNeedsItsOwnKey) {
    TempDir dir;
    const auto proxy = make_certificate("proxy", -1, 365);
    const auto other = make_certificate("other", -1, 365);
    auto r = judge(write_pem(dir, "a.pem", proxy.key.get(), {proxy.certificate.get()}), true);
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    r = judge(write_pem(dir, "d.pem", proxy.key.get(), {proxy.certificate.get()}, true), true);
    EXPECT_EQ(r.verdict, Verdict::ok) << r.detail;
    r = judge(write_pem(dir, "b.pem", nullptr, {proxy.certificate.get()}), true);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("no private key"), std::string::npos) << r.detail;
    r = judge(write_pem(dir, "c.pem", other.key.get(), {proxy.certificate.get()}), true);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("is not the first certificate's (CN=proxy)"), std::string::npos)
        << r.detail;
}

TEST(DoctorCertificates, MissingOrEmptyFilesFail) {
    TempDir dir;
    auto r = judge((dir.path() / "absent.pem").string());
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("cannot read it: No such file or directory"), std::string::npos);
    r = judge(write_pem(dir, "empty.pem", nullptr, {}));
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("no PEM certificate"), std::string::npos);
}

TEST(DoctorCertificates, TheFilesTheIniNames) {
    TempDir dir;
    const auto proxy = make_certificate("proxy", -1, 365);
    write_pem(dir, "agent.pem", proxy.key.get(), {proxy.certificate.get()});
    sip_proxy::ProxySettings settings;
    settings.tls_certificate_dir = dir.path().string();
    // cafile.pem is missing while outgoing hops are verified (the default): a failure.
    auto results = check_certificates(&settings, nullptr, kNow, 30);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].verdict, Verdict::ok) << results[0].detail;
    EXPECT_EQ(results[1].verdict, Verdict::fail) << results[1].detail;
    settings.tls_verify = sip_proxy::TlsVerify::none;
    EXPECT_EQ(check_certificates(&settings, nullptr, kNow, 30).size(), 1u);
    xmpp::ComponentSettings component;
    component.tls_ca_file = (dir.path() / "agent.pem").string();
    EXPECT_EQ(check_certificates(nullptr, &component, kNow, 30).size(), 1u);
    results = check_certificates(nullptr, nullptr, kNow, 30);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].verdict, Verdict::skipped);
}

}  // namespace
}  // namespace cusax::ctl::doctor
