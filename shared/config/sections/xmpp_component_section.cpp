#include "shared/config/config.hpp"
#include "shared/config/sections/all_sections.hpp"
#include "shared/config/validators.hpp"
#include "shared/config/value_parsers.hpp"

namespace cusax::config {

SectionDecl xmpp_component_section() {
    SectionDecl section{
        "xmpp-component", "cusax-xmpp-component: the XEP-0114 component of the XMPP server.", {}};
    section.keys.push_back({.name = "server_host",
                            .type = KeyType::string,
                            .default_value = "127.0.0.1",
                            .help = "Host of the XMPP server's component listener."});
    section.keys.push_back({.name = "server_port",
                            .type = KeyType::integer,
                            .default_value = "5347",
                            .help = "TCP port of the XMPP server's component listener.",
                            .min = 1,
                            .max = 65535});
    section.keys.push_back({.name = "domain",
                            .type = KeyType::string,
                            .help = "The component's domain, as declared in the XMPP server.",
                            .required = true,
                            .validator = validators::domain_name});
    section.keys.push_back({.name = "secret",
                            .type = KeyType::string,
                            .help = "Shared secret of the component handshake (XEP-0114).",
                            .required = true,
                            .secret = true});
    section.keys.push_back({.name = "local_domains",
                            .type = KeyType::list,
                            .default_value = "",
                            .help = "XMPP domains whose users may search the bindings.",
                            .validator = validators::domain_name});
    section.keys.push_back({.name = "reconnect_min",
                            .type = KeyType::duration,
                            .default_value = "1s",
                            .help = "First delay before reconnecting to the XMPP server."});
    section.keys.push_back({.name = "reconnect_max",
                            .type = KeyType::duration,
                            .default_value = "60s",
                            .help = "Longest delay between reconnection attempts (backoff cap)."});
    section.keys.push_back({.name = "max_stanza_size",
                            .type = KeyType::size,
                            .default_value = "64KiB",
                            .help = "Largest stanza accepted from the server; larger closes "
                                    "the stream."});
    section.keys.push_back({.name = "keepalive_interval",
                            .type = KeyType::duration,
                            .default_value = "60s",
                            .help = "Idle time after which a whitespace keepalive is sent."});
    section.check = [](const Config& config) {
        std::vector<KeyProblem> problems;
        const auto min = config.duration("xmpp-component", "reconnect_min");
        const auto max = config.duration("xmpp-component", "reconnect_max");
        if (min > max) {
            problems.push_back({config.is_set("xmpp-component", "reconnect_min") ? "reconnect_min"
                                                                                 : "reconnect_max",
                                "reconnect_min (" + format_duration(min) +
                                    ") is longer than reconnect_max (" + format_duration(max) +
                                    ")"});
        }
        return problems;
    };
    return section;
}

}  // namespace cusax::config
