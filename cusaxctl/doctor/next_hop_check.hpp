#pragma once
// The next hop ([sip-proxy] next_hop, where the proxy relays every request) answers an OPTIONS.
#include <chrono>
#include <string>

#include "cusaxctl/doctor/check_result.hpp"
#include "cusaxctl/doctor/sip_options_probe.hpp"
#include "sip-proxy/proxy_settings.hpp"

namespace cusax::ctl::doctor {

// `where` says where next_hop is set ("cusax.ini:40"), for the fix.
CheckResult check_next_hop(const sip_proxy::ProxySettings& settings, const std::string& where,
                           std::chrono::milliseconds timeout);

// The verdict on what probe_options found for `uri` (read as `target`).
CheckResult next_hop_verdict(const std::string& uri, const SipTarget& target,
                             const OptionsOutcome& outcome, std::chrono::milliseconds timeout,
                             const std::string& where);

// How the proxy's TLS settings verify a TLS next hop (cafile.pem and agent.pem of
// tls_certificate_dir, tls_verify_peers), for the probe.
TlsClientSettings next_hop_tls(const sip_proxy::ProxySettings& settings, const SipTarget& target);

}  // namespace cusax::ctl::doctor
