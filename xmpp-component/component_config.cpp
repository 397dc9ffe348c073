#include "xmpp-component/component_config.hpp"

#include <charconv>

namespace cusax::xmpp {

namespace {
constexpr std::string_view section = "xmpp-component";

double decimal(const std::string& text) {
    double value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    return value;
}
}  // namespace

ComponentConfig component_config(const config::Config& config) {
    ComponentConfig out;
    auto& s = out.stream;
    s.server_host = config.string(section, "server_host");
    s.server_port = static_cast<std::uint16_t>(config.integer(section, "server_port"));
    s.domain = config.string(section, "domain");
    s.secret = config.string(section, "secret");
    s.tls = config.boolean(section, "tls");
    s.tls_ca_file = config.string(section, "tls_ca_file");
    s.tls_server_name = config.string(section, "tls_server_name");
    s.local_domains = config.list(section, "local_domains");
    s.reconnect_min = config.duration(section, "reconnect_min");
    s.reconnect_max = config.duration(section, "reconnect_max");
    s.max_stanza_size = static_cast<std::size_t>(config.size(section, "max_stanza_size"));
    s.keepalive_interval = config.duration(section, "keepalive_interval");
    s.handshake_timeout = config.duration(section, "handshake_timeout");

    auto& d = out.directory;
    d.domain = s.domain;
    d.local_domains = s.local_domains;
    d.list_accounts = config.boolean(section, "list_accounts");
    d.max_listed_accounts =
        static_cast<std::size_t>(config.integer(section, "max_listed_accounts"));
    d.service_name = config.string(section, "service_name");
    d.vcard_guard = config.string(section, "vcard_guard") == "correct" ? VcardGuard::correct
                                                                       : VcardGuard::refuse;
    out.vcard_store = config.string(section, "vcard_store");
    out.vcard4_sync = config.boolean(section, "vcard4_sync");

    out.search.rate_per_second = decimal(config.string(section, "search_rate"));
    out.search.burst = static_cast<double>(config.integer(section, "search_burst"));
    return out;
}

}  // namespace cusax::xmpp
