#include "cusaxctl/doctor/certificate_check.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cusaxctl/doctor/net_basics.hpp"

namespace cusax::ctl::doctor {
namespace {

constexpr std::string_view kCheck = "certificate";
constexpr std::time_t kDay = 24 * 60 * 60;

using X509Ptr = std::unique_ptr<X509, decltype(&::X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&::EVP_PKEY_free)>;
using FilePtr = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

std::time_t to_time(const ASN1_TIME* time) {
    std::tm tm{};
    if (!time || ::ASN1_TIME_to_tm(time, &tm) != 1) return 0;
    return ::timegm(&tm);
}

// "CN=proxy,O=Example" (RFC 2253, most significant last as OpenSSL prints it).
std::string subject_of(X509* certificate) {
    std::unique_ptr<BIO, decltype(&::BIO_free)> bio(::BIO_new(::BIO_s_mem()), ::BIO_free);
    if (!bio) return "?";
    ::X509_NAME_print_ex(bio.get(), ::X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long length = ::BIO_get_mem_data(bio.get(), &data);
    return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : "(no subject)";
}

// Whole days from now to `when`, rounded down.
long days_until(std::time_t when, std::time_t now) {
    return static_cast<long>((when - now) / kDay);
}

}  // namespace

std::string utc_text(std::time_t when) {
    std::tm tm{};
    ::gmtime_r(&when, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

PemFileFacts read_pem_file(const std::string& label, const std::string& path, bool key_wanted) {
    PemFileFacts facts{label, path, std::nullopt, {}, key_wanted, false, false};
    FilePtr file(std::fopen(path.c_str(), "r"), std::fclose);
    if (!file) {
        facts.unreadable = error_text(errno);
        return facts;
    }
    X509Ptr first(nullptr, ::X509_free);
    while (X509* raw = ::PEM_read_X509(file.get(), nullptr, nullptr, nullptr)) {
        X509Ptr certificate(raw, ::X509_free);
        facts.certificates.push_back({subject_of(raw), to_time(::X509_get0_notBefore(raw)),
                                      to_time(::X509_get0_notAfter(raw))});
        if (!first) first = std::move(certificate);
    }
    ::ERR_clear_error();  // the read that ended the loop
    if (key_wanted) {
        std::rewind(file.get());
        KeyPtr key(::PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr), ::EVP_PKEY_free);
        ::ERR_clear_error();
        facts.key_present = key != nullptr;
        facts.key_matches = key && first && ::X509_check_private_key(first.get(), key.get()) == 1;
        ::ERR_clear_error();
    }
    return facts;
}

CheckResult certificate_verdict(const PemFileFacts& facts, std::time_t now, int warning_days) {
    const std::string name = facts.label + " " + facts.path;
    CheckResult r{std::string(kCheck), Verdict::ok, "", ""};
    if (facts.unreadable) {
        return {r.check, Verdict::fail, name + ": cannot read it: " + *facts.unreadable,
                "make it readable by the daemons' user (cusax), or correct the path"};
    }
    if (facts.certificates.empty()) {
        return {r.check, Verdict::fail, name + ": no PEM certificate in it",
                "put the certificate(s) in it in PEM form (-----BEGIN CERTIFICATE-----)"};
    }
    if (facts.key_wanted && !facts.key_present) {
        return {r.check, Verdict::fail, name + ": no private key in it",
                "agent.pem holds the private key and then the certificate chain, in PEM form"};
    }
    if (facts.key_wanted && !facts.key_matches) {
        return {r.check, Verdict::fail,
                name + ": the private key is not the first certificate's (" +
                    facts.certificates.front().subject + ")",
                "put the key of the proxy's own certificate in agent.pem, with that "
                "certificate first"};
    }
    // The file is as good as its weakest certificate.
    const CertificateFacts* soonest = &facts.certificates.front();
    for (const auto& c : facts.certificates) {
        if (c.not_after < soonest->not_after) soonest = &c;
        if (c.not_before > now) {
            return {r.check, Verdict::fail,
                    name + ": " + c.subject + " is not valid before " + utc_text(c.not_before),
                    "check this host's clock, or install a certificate valid now"};
        }
    }
    const std::string count =
        facts.certificates.size() == 1
            ? ""
            : " (the first to end of " + std::to_string(facts.certificates.size()) + ")";
    if (soonest->not_after <= now) {
        return {
            r.check, Verdict::fail,
            name + ": " + soonest->subject + count + " expired on " + utc_text(soonest->not_after),
            "renew it, then restart the daemon that reads it (Sofia-SIP and the component "
            "load certificates at start)"};
    }
    const auto days = days_until(soonest->not_after, now);
    const std::string until = soonest->subject + count + " valid until " +
                              utc_text(soonest->not_after) + " (" + std::to_string(days) +
                              (days == 1 ? " day)" : " days)");
    if (soonest->not_after - now < static_cast<std::time_t>(warning_days) * kDay) {
        return {r.check, Verdict::warning, name + ": " + until,
                "renew it before then, and restart the daemon that reads it"};
    }
    r.detail = name + ": " + until;
    return r;
}

CheckResults check_certificates(const sip_proxy::ProxySettings* proxy,
                                const xmpp::ComponentSettings* component, std::time_t now,
                                int warning_days) {
    std::vector<PemFileFacts> files;
    if (proxy && !proxy->tls_certificate_dir.empty()) {
        const std::filesystem::path dir(proxy->tls_certificate_dir);
        files.push_back(read_pem_file("[sip-proxy] tls_certificate_dir", dir / "agent.pem", true));
        std::error_code ec;
        // cafile.pem is needed only where peers' certificates are verified.
        if (std::filesystem::exists(dir / "cafile.pem", ec) ||
            proxy->tls_verify != sip_proxy::TlsVerify::none) {
            files.push_back(
                read_pem_file("[sip-proxy] tls_certificate_dir", dir / "cafile.pem", false));
        }
    }
    if (component && !component->tls_ca_file.empty()) {
        files.push_back(
            read_pem_file("[xmpp-component] tls_ca_file", component->tls_ca_file, false));
    }
    CheckResults results;
    for (const auto& file : files) results.push_back(certificate_verdict(file, now, warning_days));
    if (results.empty()) {
        results.push_back({std::string(kCheck), Verdict::skipped,
                           "no certificate file configured (tls_certificate_dir, tls_ca_file)",
                           ""});
    }
    return results;
}

}  // namespace cusax::ctl::doctor
