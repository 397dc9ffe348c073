#pragma once
// Policy over a parsed URI: the transport Sofia-SIP really uses to reach a hop, read the way
// NTA reads it (docs/sip-proxy-internals.md, "Transports of a hop"): an explicit transport
// parameter wins over the scheme, a sips: URI without one is TLS, and a sip: URI without one
// is left to resolution (RFC 3263 §4.1), which may pick UDP or TCP but never TLS.
#include <sofia-sip/url.h>

#include <string>

namespace cusax::sip_proxy {

struct HopTransport {
    // Lower-case protocol name ("udp", "tcp", "tls", "sctp", "ws", "wss", ...), or empty when
    // the URI names none and resolution decides.
    std::string protocol;
    bool explicit_parameter = false;  // named by a transport parameter
};

HopTransport hop_transport(url_t const* hop);

// RFC 3261 §26.2.2, RFC 7081 §7: a hop is protected only when what is really used is TLS
// (TLS over TCP, or secure WebSocket), whatever the scheme says.
bool is_secure(const HopTransport& transport);

}  // namespace cusax::sip_proxy
