#pragma once
// [metrics]: where each daemon serves its metrics and health over HTTP
// (shared/metrics/metrics_server.hpp). Shared like [log] and [store] because one file serves
// both daemons, which cannot listen on one port: hence a key per daemon. Declared here rather
// than in shared_sections.cpp so that the section is one file of its own.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/config/config.hpp"
#include "shared/config/config_schema.hpp"

namespace cusax::config {

struct MetricsConfig {
    std::string sip_proxy_listen;       // "ADDRESS:PORT"; empty: no endpoint
    std::string xmpp_component_listen;  // the same, for cusax-xmpp-component
};

SectionDecl metrics_section();
MetricsConfig metrics_config(const Config& config);

struct ListenAddress {
    std::string address;  // an IPv4 or IPv6 literal, without brackets
    std::uint16_t port = 0;
};
// "127.0.0.1:9464" or "[::1]:9464"; nothing unless it is an address literal and a port from 1
// to 65535 (a host name would need a resolver at start, and 0 a way to tell the port).
std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace cusax::config
