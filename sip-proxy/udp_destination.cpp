#include "sip-proxy/udp_destination.hpp"

#include <arpa/inet.h>
#include <sofia-sip/sip_header.h>

#include <charconv>
#include <cstring>
#include <string>

#include "shared/text/ascii_case.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {

namespace {

constexpr std::string_view kDefaultPort = "5060";  // RFC 3261 §19.1.2

std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

std::optional<std::uint16_t> port_number(std::string_view port) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

bool is_udp(sip_via_t const* via) {
    return via && text::iequals(view(via->v_protocol), sip_transport_udp);
}

ViaTarget target_of(sip_via_t const* via, bool rport_counts) {
    if (!via) return {};
    const char* host = via->v_maddr      ? via->v_maddr
                       : via->v_received ? via->v_received
                                         : via->v_host;
    std::string_view port = view(via->v_port);
    // An empty rport is a request for one that nobody filled in: the port stands.
    if (rport_counts && via->v_rport && *via->v_rport && !via->v_maddr) port = via->v_rport;
    return {view(host), port.empty() ? kDefaultPort : port};
}

}  // namespace

std::optional<UdpDestination> udp_destination(std::string_view host, std::string_view port) {
    const std::optional<std::uint16_t> number = port_number(port);
    if (!number || host.empty()) return std::nullopt;
    UdpDestination out;
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string text(host);
    auto* in4 = reinterpret_cast<sockaddr_in*>(&out.address);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.address);
    if (inet_pton(AF_INET, text.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(*number);
        out.length = sizeof *in4;
        return out;
    }
    if (inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(*number);
        out.length = sizeof *in6;
        return out;
    }
    return std::nullopt;
}

std::optional<UdpDestination> udp_destination_of(url_t const* url) {
    if (!url || url->url_type != url_sip || !url->url_host) return std::nullopt;
    if (const auto transport = url_param_value(url, "transport");
        transport && !text::iequals(*transport, "udp"))
        return std::nullopt;
    const auto maddr = url_param_value(url, "maddr");
    const std::string_view host = maddr ? std::string_view(*maddr) : url->url_host;
    const std::string_view port = view(url->url_port);
    return udp_destination(host, port.empty() ? kDefaultPort : port);
}

std::optional<UdpDestination> udp_destination_of(sip_via_t const* via) {
    if (!is_udp(via)) return std::nullopt;
    const ViaTarget target = target_of(via, true);
    return udp_destination(target.host, target.port);
}

ViaTarget reply_target_of(sip_via_t const* via) { return target_of(via, is_udp(via)); }

std::optional<UdpDestination> reply_destination_of(sip_via_t const* via) {
    if (!via) return std::nullopt;
    const ViaTarget target = reply_target_of(via);
    return udp_destination(target.host, target.port);
}

}  // namespace cusax::sip_proxy
