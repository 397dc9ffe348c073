#include "provisioning/provisioning_config_values.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>

#include "shared/config/validators.hpp"

namespace cusax::provisioning::config_values {
namespace {

bool is_address(std::string_view text, int family) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
    const std::string copy(text);
    std::array<unsigned char, 16> bytes{};
    return inet_pton(family, copy.c_str(), bytes.data()) == 1;
}

std::string one_of(std::string_view text, std::initializer_list<std::string_view> names) {
    std::string expected;
    for (const auto name : names) {
        if (text == name) return "";
        if (!expected.empty()) expected += ", ";
        expected += name;
    }
    return "expected one of " + expected;
}

}  // namespace

std::string listen_endpoint(std::string_view text) {
    constexpr std::string_view shape = "expected HOST:PORT or [IPv6]:PORT";
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::string(shape);
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    std::uint32_t port = 0;
    const auto [ptr, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        return "the port must be a number from 1 to 65535 (" + std::string(shape) + ")";
    }
    if (host.starts_with('[')) {
        if (!host.ends_with(']') || !is_address(host.substr(1, host.size() - 2), AF_INET6)) {
            return "not an IPv6 address in brackets (" + std::string(shape) + ")";
        }
        return "";
    }
    if (is_address(host, AF_INET)) return "";
    if (host.find(':') != std::string_view::npos) {
        return "an IPv6 address must be in brackets (" + std::string(shape) + ")";
    }
    return config::validators::domain_name(host);
}

std::string ip_address(std::string_view text) {
    if (is_address(text, AF_INET) || is_address(text, AF_INET6)) return "";
    return "not an IPv4 or IPv6 address";
}

std::string host(std::string_view text) {
    if (ip_address(text).empty()) return "";
    return config::validators::domain_name(text);
}

std::string optional_host(std::string_view text) { return text.empty() ? "" : host(text); }

std::string sip_feature(std::string_view text) { return one_of(text, {"messaging", "presence"}); }

std::string xmpp_feature(std::string_view text) { return one_of(text, {"audio", "video"}); }

std::string format_name(std::string_view text) {
    return one_of(text, {"json", "linphone", "webfinger"});
}

}  // namespace cusax::provisioning::config_values
