#pragma once
// Checks of the [provisioning] values that only cusax-provisioning has
// (provisioning_config.cpp). Each returns "" or the reason the text is refused, never quoting
// the text (shared/config/validators.hpp).
#include <string>
#include <string_view>

namespace cusax::provisioning::config_values {

// HOST:PORT to listen on: an IPv4 address, a bracketed IPv6 address or a DNS name, and a port.
std::string listen_endpoint(std::string_view text);
// An IPv4 or IPv6 address (a TLS terminator's).
std::string ip_address(std::string_view text);
// A host to connect to or to announce: a DNS name or an IP address; optional_host allows "".
std::string host(std::string_view text);
std::string optional_host(std::string_view text);
// What a CUSAX client switches off (RFC 7081 §2) on each side, and the formats served.
std::string sip_feature(std::string_view text);
std::string xmpp_feature(std::string_view text);
std::string format_name(std::string_view text);

}  // namespace cusax::provisioning::config_values
