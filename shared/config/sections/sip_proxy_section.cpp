#include "shared/config/sections/all_sections.hpp"
#include "shared/config/validators.hpp"

namespace cusax::config {

SectionDecl sip_proxy_section() {
    SectionDecl section{"sip-proxy", "cusax-sip-proxy: the SIP proxy beside the SIP server.", {}};
    section.keys.push_back({.name = "listen",
                            .type = KeyType::list,
                            .default_value = "sip:127.0.0.1:5070",
                            .help = "SIP URIs to listen on (sip:HOST:PORT[;transport=tcp]).",
                            .validator = validators::sip_listen_uri});
    section.keys.push_back(
        {.name = "next_hop",
         .type = KeyType::string,
         .default_value = "",
         .help = "SIP URI every request is relayed to (the SIP server); empty: route by "
                 "Route, then Request-URI.",
         .validator = validators::optional_sip_uri});
    section.keys.push_back(
        {.name = "trusted_peers",
         .type = KeyType::list,
         .default_value = "",
         .help = "Peers whose P-Asserted-Identity is believed: IP addresses, CIDR networks, "
                 "tls:NAME.",
         .validator = validators::trusted_peer});
    section.keys.push_back({.name = "record_route",
                            .type = KeyType::boolean,
                            .default_value = "false",
                            .help = "Add Record-Route so in-dialog requests come through us."});
    section.keys.push_back({.name = "udp_receive_buffer",
                            .type = KeyType::size,
                            .default_value = "4MiB",
                            .help = "Kernel receive buffer of each UDP socket (SO_RCVBUF)."});
    section.keys.push_back({.name = "udp_send_buffer",
                            .type = KeyType::size,
                            .default_value = "4MiB",
                            .help = "Kernel send buffer of each UDP socket (SO_SNDBUF)."});
    section.keys.push_back({.name = "call_info_methods",
                            .type = KeyType::list,
                            .default_value = "INVITE",
                            .help = "Requests that get a Call-Info with the caller's JID.",
                            .validator = validators::sip_method});
    return section;
}

}  // namespace cusax::config
