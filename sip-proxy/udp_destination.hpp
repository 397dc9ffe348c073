#pragma once
// Policy over a parsed URI or Via: the socket address a message goes to when the proxy's own
// UDP path can send it at once, with no name to resolve. Anything else (a host name, a
// stream or TLS transport, a sips: URI) is left to Sofia-SIP's agent, which resolves and
// picks transports (RFC 3263); docs/sip-proxy-internals.md, "The proxy's own UDP path".
#include <netinet/in.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/url.h>
#include <sys/socket.h>

#include <optional>
#include <string_view>

namespace cusax::sip_proxy {

struct UdpDestination {
    sockaddr_storage address{};
    socklen_t length = 0;
    int family() const { return address.ss_family; }
};

// An IP address ("192.0.2.1", "[2001:db8::1]" or "2001:db8::1") and a port; nothing when
// either is not one.
std::optional<UdpDestination> udp_destination(std::string_view host, std::string_view port);

// A request sent to `url`, as NTA reads it (RFC 3263 §4.1, §4.2): a sip: URI whose transport
// parameter is absent or udp, whose host (its maddr parameter when present) is an IP address;
// the port given, else 5060. A sips: URI or another transport is not UDP.
std::optional<UdpDestination> udp_destination_of(url_t const* url);

// A response sent back by `via` (RFC 3261 §18.2.2, RFC 3581 §4): a UDP Via; its maddr, else
// its received, else its sent-by host; its rport value (not with maddr), else its port, else
// 5060.
std::optional<UdpDestination> udp_destination_of(sip_via_t const* via);

// Where an answer of this proxy's own goes, as host and port text: sent over the socket the
// request came in on whatever transport its Via names (as NTA answers), so the Via's protocol
// is not checked and rport counts only for UDP.
struct ViaTarget {
    std::string_view host;
    std::string_view port;
};
ViaTarget reply_target_of(sip_via_t const* via);

// The same as an address, when the host is an IP address.
std::optional<UdpDestination> reply_destination_of(sip_via_t const* via);

}  // namespace cusax::sip_proxy
