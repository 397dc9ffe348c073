#include <filesystem>

#include "shared/config/config.hpp"
#include "shared/config/sections/all_sections.hpp"
#include "shared/config/validators.hpp"

namespace cusax::config {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A dialled number or range as the dial plan compares it: an optional '+' then digits.
// "+" alone is a range too (every international number).
std::string number_prefix(std::string_view text) {
    if (text.empty()) return "must not be empty";
    std::string_view digits = text.front() == '+' ? text.substr(1) : text;
    if (digits.size() > 15) return "longer than an E.164 number (15 digits)";
    for (char c : digits)
        if (!is_digit(c)) return "not '+' and digits";
    return "";
}

std::string emergency_number(std::string_view text) {
    if (text.empty()) return "must not be empty";
    if (text.size() > 15) return "longer than 15 characters";
    for (char c : text)
        if (!is_digit(c) && c != '*' && c != '#') return "not digits, '*' or '#'";
    return "";
}

// The text goes into `Warning: 399 agent "TEXT"` (RFC 3261 §20.43): printable, one line.
std::string warning_text(std::string_view text) {
    if (text.empty()) return "must not be empty";
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return "contains a control character";
    return "";
}

// warn-agent = hostport / pseudonym (RFC 3261 §25.1): a host[:port] or a token.
std::string warning_agent(std::string_view text) {
    for (unsigned char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                        std::string_view("-.!%*_+`'~:[]").find(c) != std::string_view::npos;
        if (!ok) return "not a host[:port] or a SIP token";
    }
    return "";
}

const std::vector<std::string> kPolicies = {"allow", "warn", "block"};

}  // namespace

SectionDecl sip_proxy_section() {
    SectionDecl section{"sip-proxy", "cusax-sip-proxy: the SIP proxy beside the SIP server.", {}};
    section.keys.push_back(
        {.name = "listen",
         .type = KeyType::list,
         .default_value = "sip:127.0.0.1:5070",
         .help = "SIP URIs to listen on: sip:HOST:PORT (UDP and TCP), ;transport=udp or tcp "
                 "for one, sips:HOST:PORT for TLS.",
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
    section.keys.push_back(
        {.name = "identity_from_header",
         .type = KeyType::boolean,
         .default_value = "false",
         .help = "Take the From URI as the caller's identity when a trusted peer sends no "
                 "P-Asserted-Identity."});
    section.keys.push_back({.name = "call_info_methods",
                            .type = KeyType::list,
                            .default_value = "INVITE",
                            .help = "Requests that get a Call-Info with the caller's JID.",
                            .validator = validators::sip_method});
    section.keys.push_back({.name = "udp_receive_buffer",
                            .type = KeyType::size,
                            .default_value = "4MiB",
                            .help =
                                "Kernel receive buffer of each UDP socket (SO_RCVBUF); capped by "
                                "net.core.rmem_max.",
                            .max = 1LL << 30});
    section.keys.push_back({.name = "udp_send_buffer",
                            .type = KeyType::size,
                            .default_value = "4MiB",
                            .help = "Kernel send buffer of each UDP socket (SO_SNDBUF); capped by "
                                    "net.core.wmem_max.",
                            .max = 1LL << 30});
    section.keys.push_back(
        {.name = "tls_certificate_dir",
         .type = KeyType::path,
         .default_value = "",
         .help = "Directory with agent.pem (key and certificate) and cafile.pem (CAs), for "
                 "sips: listeners and TLS next hops."});
    section.keys.push_back(
        {.name = "tls_verify_peers",
         .type = KeyType::enumeration,
         .default_value = "outgoing",
         .help = "Whose TLS certificates must verify against cafile.pem: the hops we connect "
                 "to (outgoing), the peers that connect to us (incoming), all or none.",
         .choices = {"none", "outgoing", "incoming", "all"}});
    section.keys.push_back({.name = "local_domains",
                            .type = KeyType::list,
                            .default_value = "",
                            .help = "SIP domains served here: their URIs are on-net calls.",
                            .validator = validators::domain_name});
    section.keys.push_back(
        {.name = "local_number_prefixes",
         .type = KeyType::list,
         .default_value = "",
         .help = "Number ranges on the operator's own network (+4930123): on-net calls.",
         .validator = number_prefix});
    section.keys.push_back(
        {.name = "offnet_number_prefixes",
         .type = KeyType::list,
         .default_value = "",
         .help = "Dialled numbers that leave the network (0, +): PSTN calls unless on-net.",
         .validator = number_prefix});
    section.keys.push_back({.name = "emergency_numbers",
                            .type = KeyType::list,
                            .default_value = "112, 911",
                            .help = "Emergency numbers: never warned or blocked (also every "
                                    "urn:service:sos URI).",
                            .validator = emergency_number});
    section.keys.push_back({.name = "on_net_policy",
                            .type = KeyType::enumeration,
                            .default_value = "allow",
                            .help = "Calls within the service: allow, warn or block.",
                            .choices = kPolicies});
    section.keys.push_back({.name = "pstn_policy",
                            .type = KeyType::enumeration,
                            .default_value = "warn",
                            .help = "Calls to the telephone network: allow, warn or block.",
                            .choices = kPolicies});
    section.keys.push_back({.name = "inter_domain_policy",
                            .type = KeyType::enumeration,
                            .default_value = "allow",
                            .help = "Calls to other SIP domains: allow, warn or block.",
                            .choices = kPolicies});
    section.keys.push_back(
        {.name = "pstn_warning",
         .type = KeyType::string,
         .default_value = "Call to the telephone network: charges may apply",
         .help = "Text of the Warning 399 on responses to a warned or blocked PSTN call.",
         .validator = warning_text});
    section.keys.push_back(
        {.name = "inter_domain_warning",
         .type = KeyType::string,
         .default_value = "Call leaves this service: charges may apply",
         .help = "Text of the Warning 399 for a warned or blocked inter-domain call.",
         .validator = warning_text});
    section.keys.push_back({.name = "on_net_warning",
                            .type = KeyType::string,
                            .default_value = "Call within this service",
                            .help = "Text of the Warning 399 for a warned or blocked on-net call.",
                            .validator = warning_text});
    section.keys.push_back(
        {.name = "warning_agent",
         .type = KeyType::string,
         .default_value = "",
         .help = "Host named in the Warning headers (warn-agent); empty: the first listen "
                 "address.",
         .validator = warning_agent});
    section.check = [](const Config& config) {
        std::vector<KeyProblem> problems;
        // A sips: listener without a directory falls back to Sofia-SIP's own default
        // ($HOME/.sip/auth); start-up names the directory when that fails.
        const auto& dir = config.string("sip-proxy", "tls_certificate_dir");
        if (!dir.empty()) {
            std::error_code ignored;
            // Sofia-SIP's convention (tport_tls.c): the key and certificate in agent.pem.
            if (!std::filesystem::is_regular_file(std::filesystem::path(dir) / "agent.pem",
                                                  ignored))
                problems.push_back({"tls_certificate_dir", "no agent.pem in " + dir});
        }
        return problems;
    };
    return section;
}

}  // namespace cusax::config
