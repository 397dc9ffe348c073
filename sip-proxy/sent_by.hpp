#pragma once
// Which host:port values are this proxy's own: the sent-by values it writes into its Via,
// one per listening transport. Read by the loop check (§16.3 item 4), Route removal (§16.4)
// and the relay of responses (§18.1.2).
#include <sofia-sip/sip.h>
#include <sofia-sip/url.h>

#include <string>
#include <string_view>
#include <vector>

namespace cusax::sip_proxy {

// One of our own sent-by values (host and port as this proxy writes them into its Via).
struct SentBy {
    std::string host;
    std::string port;            // empty: default port
    std::string transport = {};  // lower case: "udp", "tcp", "tls", ...; empty: not known
};

// RFC 3261 §18.2.1 / §19.1.2: a URI or Via without a port means 5060 (5061 for sips:).
inline constexpr std::string_view kSipDefaultPort = "5060";
inline constexpr std::string_view kSipsDefaultPort = "5061";

// Whether two hosts are the same host: equal without case, IP addresses of the same value
// ("[::1]", "[0:0::1]"), or "localhost" and the loopback address it resolves to (RFC 6761
// §6.3: 127.0.0.1, ::1).
bool is_same_host(std::string_view a, std::string_view b);

// True when host:port names one of ours. An empty port is `default_port` for the address
// compared, and 5060 for our own sent-by. Hosts are the same host when they are equal
// without case, when they are IP addresses of the same value ("[::1]", "[0:0::1]"), or when
// one is "localhost" and the other the loopback address it resolves to (RFC 6761 §6.3:
// 127.0.0.1, ::1), so a request that names the proxy's own port under one of those names
// is taken as addressed to the proxy.
bool is_sent_by_us(const std::vector<SentBy>& ours, std::string_view host, std::string_view port,
                   std::string_view default_port = kSipDefaultPort);

// A Route or Request-URI that names this proxy.
bool is_own_uri(const std::vector<SentBy>& ours, url_t const* url);

// A Via this proxy wrote: one of our sent-by values and a branch with our prefix.
bool is_own_via(const std::vector<SentBy>& ours, sip_via_t const* via);

}  // namespace cusax::sip_proxy
