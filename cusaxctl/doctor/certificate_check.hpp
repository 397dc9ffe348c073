#pragma once
// Certificate files named by the INI file: readable, parseable, in their validity period and
// not expiring within the warning period (30 days unless doctor --cert-days says otherwise).
//   [sip-proxy] tls_certificate_dir: agent.pem (the proxy's key and certificate chain) and
//                                     cafile.pem (the CAs its peers' certificates must chain to)
//   [xmpp-component] tls_ca_file:     the CAs the XMPP server's certificate must chain to
#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "cusaxctl/doctor/check_result.hpp"
#include "sip-proxy/proxy_settings.hpp"
#include "xmpp-component/component_settings.hpp"

namespace cusax::ctl::doctor {

struct CertificateFacts {
    std::string subject;  // "CN=proxy"
    std::time_t not_before = 0;
    std::time_t not_after = 0;
};

struct PemFileFacts {
    std::string label;  // "[sip-proxy] agent.pem"
    std::string path;
    std::optional<std::string> unreadable;  // why the file cannot be read or parsed
    std::vector<CertificateFacts> certificates;
    // Whether it must hold our private key (agent.pem), and what was found.
    bool key_wanted = false;
    bool key_present = false;
    bool key_matches = false;
};

// Reads every certificate of a PEM file (and its private key when `key_wanted`).
PemFileFacts read_pem_file(const std::string& label, const std::string& path, bool key_wanted);

CheckResult certificate_verdict(const PemFileFacts& facts, std::time_t now, int warning_days);

// The files the INI names, each read and judged; one "skipped" result when it names none.
CheckResults check_certificates(const sip_proxy::ProxySettings* proxy,
                                const xmpp::ComponentSettings* component, std::time_t now,
                                int warning_days);

// "2025-03-01 12:00 UTC"
std::string utc_text(std::time_t when);

}  // namespace cusax::ctl::doctor
