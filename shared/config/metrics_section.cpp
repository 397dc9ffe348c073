#include "shared/config/metrics_section.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "shared/config/settings_table.hpp"

namespace cusax::config {
namespace {

std::string listen_address(std::string_view value) {
    if (value.empty() || parse_listen_address(value)) return "";
    return "not ADDRESS:PORT with an IP address (127.0.0.1:9464, [::1]:9464) and a port 1-65535";
}

const SettingsTable<MetricsConfig>& metrics_table() {
    static const SettingsTable<MetricsConfig> table{
        "metrics",
        "HTTP endpoints for Prometheus (/metrics) and health checks (/health), one per daemon; "
        "no authentication: keep them on loopback or a management network.",
        {
            key("sip_proxy_listen", &MetricsConfig::sip_proxy_listen,
                "ADDRESS:PORT where cusax-sip-proxy serves /metrics and /health; empty: none.",
                {.validator = listen_address}),
            key("xmpp_component_listen", &MetricsConfig::xmpp_component_listen,
                "ADDRESS:PORT where cusax-xmpp-component serves /metrics and /health; empty: "
                "none.",
                {.validator = listen_address}),
        }};
    return table;
}

}  // namespace

SectionDecl metrics_section() { return metrics_table().declaration(); }
MetricsConfig metrics_config(const Config& config) { return metrics_table().read(config); }

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
        return std::nullopt;
    const std::string address(host);
    unsigned char buffer[sizeof(in6_addr)];
    const bool v4 = !bracketed && inet_pton(AF_INET, address.c_str(), buffer) == 1;
    const bool v6 = bracketed && inet_pton(AF_INET6, address.c_str(), buffer) == 1;
    if (!v4 && !v6) return std::nullopt;
    return ListenAddress{address, static_cast<std::uint16_t>(port)};
}

}  // namespace cusax::config
