#pragma once
// Where a SIP URI of the INI file ([sip-proxy] next_hop, listen) leads: host, port and
// transport, read the way the proxy reads them (sip-proxy/hop_transport.hpp): a transport
// parameter wins over the scheme, a sips: URI without one is TLS, a sip: URI without one is
// UDP here (the proxy may pick TCP for a large request, RFC 3261 §18.1.1; doctor's OPTIONS is
// small). No NAPTR or SRV look-up (RFC 3263): a host name is looked up as A/AAAA on the
// port given or the default one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cusax::ctl::doctor {

enum class SipTransport { udp, tcp, tls };
std::string_view to_string(SipTransport transport);  // "UDP", "TCP", "TLS" (as in a Via)

struct SipTarget {
    std::string host;  // without the brackets of an IPv6 reference
    std::uint16_t port = 5060;
    SipTransport transport = SipTransport::udp;
    bool secure_scheme = false;  // sips:
};

struct ParsedSipTarget {
    std::optional<SipTarget> target;
    std::string error;  // why not, e.g. "transport sctp: doctor speaks UDP, TCP and TLS"
};

ParsedSipTarget parse_sip_target(std::string_view uri);

}  // namespace cusax::ctl::doctor
