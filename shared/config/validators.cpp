#include "shared/config/validators.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstring>

namespace cusax::config::validators {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool is_ipv4(std::string_view text) {
    if (text.size() > INET_ADDRSTRLEN) return false;
    const std::string copy(text);
    in_addr address{};
    return inet_pton(AF_INET, copy.c_str(), &address) == 1;
}

bool is_ipv6(std::string_view text) {
    if (text.size() > INET6_ADDRSTRLEN) return false;
    const std::string copy(text);
    in6_addr address{};
    return inet_pton(AF_INET6, copy.c_str(), &address) == 1;
}

// Parses an address into its bytes (4 or 16), or returns 0.
std::size_t address_bytes(std::string_view text, std::array<unsigned char, 16>& bytes) {
    const std::string copy(text);
    if (text.size() <= INET_ADDRSTRLEN && inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) {
        return 4;
    }
    if (text.size() <= INET6_ADDRSTRLEN && inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1) {
        return 16;
    }
    return 0;
}

// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
bool is_token_char(char c) { return is_alnum(c) || std::strchr("-.!%*_+`'~", c) != nullptr; }

std::string sip_uri_with(std::string_view text, bool allow_any_host) {
    constexpr std::string_view shape = "expected sip:HOST[:PORT][;param=value] or sips:...";
    std::string_view rest;
    if (text.starts_with("sip:")) {
        rest = text.substr(4);
    } else if (text.starts_with("sips:")) {
        rest = text.substr(5);
    } else {
        return std::string("not a sip: or sips: URI (") + std::string(shape) + ")";
    }
    const auto params_at = rest.find(';');
    std::string_view hostport = rest.substr(0, params_at);
    std::string_view params =
        params_at == std::string_view::npos ? std::string_view{} : rest.substr(params_at + 1);
    if (hostport.find('@') != std::string_view::npos) {
        return "a user part is not allowed here (" + std::string(shape) + ")";
    }
    std::string_view host;
    std::string_view port;
    if (hostport.starts_with('[')) {
        const auto close = hostport.find(']');
        if (close == std::string_view::npos) return "unterminated [IPv6] address";
        host = hostport.substr(1, close - 1);
        if (!is_ipv6(host)) return "not an IPv6 address between [ and ]";
        const auto after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::string(shape);
            port = after.substr(1);
            if (port.empty()) return "empty port";
        }
    } else {
        if (hostport.find(':') != hostport.rfind(':')) {
            return "IPv6 addresses go between [ and ] (sip:[::1]:5060)";
        }
        const auto colon = hostport.find(':');
        host = hostport.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = hostport.substr(colon + 1);
            if (port.empty()) return "empty port";
        }
        if (host.empty()) return "missing host (" + std::string(shape) + ")";
        if (!(allow_any_host && host == "*") && !is_ipv4(host) && !domain_name(host).empty()) {
            return "host is not a domain name or an IP address";
        }
    }
    if (!port.empty()) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535) {
            return "port must be a number between 1 and 65535";
        }
    }
    // Each ";name[=value]" after the host, the last one included ("sip:h;" has an empty one).
    for (bool more = params_at != std::string_view::npos; more;) {
        const auto semicolon = params.find(';');
        const auto param = params.substr(0, semicolon);
        const auto equals = param.find('=');
        const auto name = param.substr(0, equals);
        if (name.empty()) return "empty URI parameter";
        for (const char c : param) {
            if (!is_token_char(c) && c != '=') return "URI parameter is not name[=value]";
        }
        if (equals != std::string_view::npos &&
            param.find('=', equals + 1) != std::string_view::npos) {
            return "URI parameter is not name[=value]";
        }
        more = semicolon != std::string_view::npos;
        if (more) params.remove_prefix(semicolon + 1);
    }
    return "";
}

}  // namespace

std::string domain_name(std::string_view text) {
    constexpr std::string_view what =
        "not a domain name (dot-separated labels of letters, digits and hyphens, "
        "e.g. sip.example.com)";
    if (text.empty() || text.size() > 253) return std::string(what);
    while (true) {
        const auto dot = text.find('.');
        const auto label = text.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return std::string(what);
        }
        for (const char c : label) {
            if (!is_alnum(c) && c != '-') return std::string(what);
        }
        if (dot == std::string_view::npos) return "";
        text.remove_prefix(dot + 1);
    }
}

std::string sip_uri(std::string_view text) { return sip_uri_with(text, false); }

std::string sip_listen_uri(std::string_view text) { return sip_uri_with(text, true); }

std::string optional_sip_uri(std::string_view text) { return text.empty() ? "" : sip_uri(text); }

std::string trusted_peer(std::string_view text) {
    if (text.starts_with("tls:")) {
        const auto name = text.substr(4);
        if (domain_name(name).empty()) return "";
        return "tls:NAME needs a domain name, the name in the peer's certificate";
    }
    constexpr std::string_view shape =
        "expected an IP address, a CIDR network (10.0.0.0/8, 2001:db8::/32) or tls:NAME";
    const auto slash = text.find('/');
    std::array<unsigned char, 16> bytes{};
    const auto width = address_bytes(text.substr(0, slash), bytes);
    if (width == 0) return std::string(shape);
    if (slash == std::string_view::npos) return "";
    const auto prefix_text = text.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, ec] =
        std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
    if (prefix_text.empty() || ec != std::errc{} ||
        end != prefix_text.data() + prefix_text.size() || prefix > width * 8) {
        return width == 4 ? "network prefix must be 0 to 32" : "network prefix must be 0 to 128";
    }
    // A network written with host bits set ("10.0.0.1/8") is most likely a typo for either
    // the address or the network; refuse rather than guess which one was meant.
    for (std::size_t bit = prefix; bit < width * 8; ++bit) {
        if (bytes[bit / 8] & (0x80u >> (bit % 8))) {
            return "host bits set after the network prefix (write the network address, "
                   "e.g. 10.0.0.0/8)";
        }
    }
    return "";
}

std::string sip_method(std::string_view text) {
    if (text.empty()) return "empty method";
    for (const char c : text) {
        if (!is_token_char(c)) return "not a SIP method name";
        if (std::islower(static_cast<unsigned char>(c))) {
            return "SIP methods are case-sensitive: write them in upper case (INVITE)";
        }
    }
    return "";
}

}  // namespace cusax::config::validators
