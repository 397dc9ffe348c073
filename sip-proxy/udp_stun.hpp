#pragma once
// STUN on the SIP port (RFC 5626 §4.4.2, §8.4): a UA using SIP Outbound over UDP keeps its flow
// alive with STUN Binding requests sent to the proxy's SIP address, and takes the flow for
// dead when no Binding response comes. Sofia-SIP's UDP transport answers them itself; the
// proxy's own UDP path does the same here. Plain bytes and addresses, no socket.
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace cusax::sip_proxy {

// A datagram that is STUN, not SIP: its first byte is 0 (a request) or 1 (a response), which
// no SIP message starts with (RFC 5389 §6: the two top bits of a STUN message are zero; tport
// reads it the same way).
bool is_stun(std::string_view datagram);

// The Binding response to `request` received from `from` on the socket bound to `local`, as
// Sofia-SIP writes it (RFC 3489 §11.1: the request's transaction id, MAPPED-ADDRESS the
// sender's address, SOURCE-ADDRESS ours); nothing when `request` is not a Binding request.
std::optional<std::string> stun_binding_response(std::string_view request, sockaddr const* from,
                                                 sockaddr const* local);

}  // namespace cusax::sip_proxy
