#pragma once
// Checks shared by several section declarations. Each returns "" or the reason the text is
// refused, and never quotes the text (see value_parsers.hpp).
#include <string>
#include <string_view>

namespace cusax::config::validators {

// A DNS name in ASCII (IDNs in their xn-- form): dot-separated labels of letters, digits and
// hyphens, 1-63 characters each, not starting or ending with a hyphen; at most 253 in all.
std::string domain_name(std::string_view text);
// sip:HOST[:PORT][;param[=value]]... or sips:..., HOST a domain name, an IPv4 address or an
// [IPv6] address. No user part: these URIs name a hop or a socket, not a user.
std::string sip_uri(std::string_view text);
// As sip_uri, and HOST may also be "*" (listen on every address), as Sofia-SIP's
// nta_agent_create() allows.
std::string sip_listen_uri(std::string_view text);
// "" or sip_uri.
std::string optional_sip_uri(std::string_view text);
// An IPv4 or IPv6 address, a CIDR network ("10.0.0.0/8", "2001:db8::/32", host bits zero),
// or tls:NAME, NAME the domain name in the peer's certificate.
std::string trusted_peer(std::string_view text);
// A SIP method (RFC 3261 §25.1 token), written in upper case as on the wire: "INVITE".
std::string sip_method(std::string_view text);

}  // namespace cusax::config::validators
