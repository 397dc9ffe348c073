#pragma once
// Policy: the Record-Route values this proxy adds to a dialog-creating request (RFC 3261
// §16.6 item 4), from its listeners (sent_by.hpp) and the transports the request arrived on
// and leaves by (hop_transport.hpp). A sips: request gets a sips: URI on the TLS listener;
// any other URI names its transport unless it is UDP, since a URI without one means UDP
// (RFC 3263 §4.1). When the two sides need different URIs, both are recorded (RFC 5658 §3.2):
// the caller's side first, the callee's side on top, so each side's in-dialog requests reach
// the proxy over the transport they can use.
#include <string>
#include <string_view>
#include <vector>

#include "sip-proxy/sent_by.hpp"

namespace cusax::sip_proxy {

// Header values ("<sip:host:port;lr>") in the order they are added: each one goes on top of
// the Record-Route set. `inbound` and `outbound` are lower-case protocol names (empty: left to
// resolution, which on a sip: URI without transport means UDP or TCP on one listener).
std::vector<std::string> record_route_values(const std::vector<SentBy>& ours,
                                             std::string_view inbound, std::string_view outbound,
                                             bool sips);

}  // namespace cusax::sip_proxy
