#include "sip-proxy/sent_by.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>
#include <optional>

#include "shared/text/ascii_case.hpp"
#include "sip-proxy/branch_key.hpp"

namespace cusax::sip_proxy {

namespace {

std::string_view view(const char* s) { return s ? std::string_view(s) : std::string_view(); }

// The value of an IPv4 address or IPv6 reference ("[...]"), as 16 bytes (IPv4 as its
// IPv4-mapped IPv6 value); nothing for a host name.
std::optional<std::array<unsigned char, 16>> address_value(std::string_view host) {
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    char text[INET6_ADDRSTRLEN + 1];
    if (host.empty() || host.size() >= sizeof text) return std::nullopt;
    std::memcpy(text, host.data(), host.size());
    text[host.size()] = '\0';
    std::array<unsigned char, 16> value{};
    if (bracketed) {
        if (inet_pton(AF_INET6, text, value.data()) != 1) return std::nullopt;
        return value;
    }
    if (inet_pton(AF_INET, text, value.data() + 12) != 1) return std::nullopt;
    value[10] = value[11] = 0xff;
    return value;
}

// RFC 6761 §6.3: "localhost" (an FQDN may end in the root's dot) names the loopback host.
bool is_localhost(std::string_view host) {
    if (host.ends_with('.')) host.remove_suffix(1);
    return text::iequals(host, "localhost");
}

bool is_address_of_localhost(std::string_view host) {
    const auto value = address_value(host);
    return value && (value == address_value("127.0.0.1") || value == address_value("[::1]"));
}

}  // namespace

bool is_same_host(std::string_view a, std::string_view b) {
    if (text::iequals(a, b)) return true;
    if (is_localhost(a)) return is_localhost(b) || is_address_of_localhost(b);
    if (is_localhost(b)) return is_address_of_localhost(a);
    const auto value_a = address_value(a);
    return value_a && value_a == address_value(b);
}

bool is_sent_by_us(const std::vector<SentBy>& ours, std::string_view host, std::string_view port,
                   std::string_view default_port) {
    const std::string_view theirs = port.empty() ? default_port : port;
    for (const auto& s : ours) {
        if (!is_same_host(s.host, host)) continue;
        const std::string_view own = s.port.empty() ? kSipDefaultPort : std::string_view(s.port);
        if (own == theirs) return true;
    }
    return false;
}

bool is_own_uri(const std::vector<SentBy>& ours, url_t const* url) {
    if (!url || !url->url_host) return false;
    return is_sent_by_us(ours, url->url_host, view(url->url_port),
                         url->url_type == url_sips ? kSipsDefaultPort : kSipDefaultPort);
}

bool is_own_via(const std::vector<SentBy>& ours, sip_via_t const* via) {
    if (!via || !via->v_branch || !via->v_host) return false;
    if (!view(via->v_branch).starts_with(kBranchPrefix)) return false;
    return is_sent_by_us(ours, via->v_host, view(via->v_port));
}

}  // namespace cusax::sip_proxy
