#pragma once
// Adapter, inbound: reads a parsed Sofia request into the plain values the policy layer takes.
#include <sofia-sip/sip.h>
#include <sofia-sip/url.h>

#include <string>

#include "sip-proxy/call_info_policy.hpp"
#include "sip-proxy/dial_plan.hpp"
#include "sip-proxy/trust_policy.hpp"

namespace cusax::sip_proxy {

// Sofia has no url type for urn: (RFC 5031 service URNs): it parses as an unknown scheme.
bool is_urn(url_t const* url);

// The URI as text ("sip:bob@example.com;user=phone").
std::string url_text(url_t const* url);

// The Request-URI reduced to what classify_target needs.
RequestTarget target_of(url_t const* request_uri);

// The caller's identity as a trusted hop asserts it: the P-Asserted-Identity values, SIP
// URIs before tel URIs (RFC 3325 §9.1); with use_from and no P-Asserted-Identity, the From
// URI. From an untrusted hop: none (RFC 3325 §5). More than one sip/sips or more than one
// tel value, or a value of another scheme, asserts nobody (§9.1), and `refused` says why.
CallerIdentity identity_of(sip_t const* sip, const Trust& trust, bool use_from);

// Privacy: id / header / user on any Privacy line (RFC 3323 §4.2, RFC 3325 §9.3) and an
// anonymous From (RFC 3323 §4.1.1.3: "Anonymous" <sip:anonymous@anonymous.invalid>).
PrivacyRequest privacy_of(sip_t const* sip);

}  // namespace cusax::sip_proxy
