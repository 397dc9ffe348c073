#include <charconv>
#include <cmath>

#include "shared/config/config.hpp"
#include "shared/config/sections/all_sections.hpp"
#include "shared/config/validators.hpp"
#include "shared/config/value_parsers.hpp"

namespace cusax::config {

namespace {

// A rate as people write it: "1", "0.5", "20" (per second). The config types have no decimal
// number, and a rate below one search a second is the usual setting.
std::string search_rate(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
    if (ec != std::errc{} || ptr != end) return "expected a decimal number such as 0.5 or 2";
    if (!std::isfinite(value) || value < 0.001 || value > 1e6) {
        return "must be between 0.001 and 1000000 searches per second";
    }
    return "";
}

// Shown to clients as the directory's name (disco identity, vCard FN): one printable line.
std::string service_name(std::string_view text) {
    if (text.empty()) return "must not be empty";
    if (text.size() > 100) return "longer than 100 characters";
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&' || c == '"') {
            return "contains a control character or one of < > & \"";
        }
    return "";
}

// The name the server's certificate must carry: a DNS name or an IPv4 address; empty for
// server_host.
std::string tls_server_name(std::string_view text) {
    if (text.empty()) return "";
    if (text.find_first_not_of("0123456789.") == std::string_view::npos) return "";
    return validators::domain_name(text);
}

}  // namespace

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
    section.keys.push_back({.name = "tls",
                            .type = KeyType::boolean,
                            .default_value = "false",
                            .help = "TLS from the first byte to the component port (ejabberd: "
                                    "tls: true on the listener; Prosody 0.12: ssl_ports with "
                                    "mod_net_multiplex), the certificate always verified."});
    section.keys.push_back({.name = "tls_ca_file",
                            .type = KeyType::path,
                            .default_value = "",
                            .help = "PEM file of the CA certificates that may sign the server's "
                                    "certificate; empty: the system's CAs."});
    section.keys.push_back({.name = "tls_server_name",
                            .type = KeyType::string,
                            .default_value = "",
                            .help = "Name the server's certificate must carry (also sent as "
                                    "SNI), e.g. the XMPP domain; empty: server_host.",
                            .validator = tls_server_name});
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
                            .help = "Interval of whitespace keepalives; with nothing read "
                                    "for that long a ping goes through the server, and with "
                                    "nothing read for twice as long the connection is "
                                    "presumed dead.",
                            .min = 1000,
                            .max = 3600 * 1000});
    section.keys.push_back({.name = "handshake_timeout",
                            .type = KeyType::duration,
                            .default_value = "10s",
                            .help = "How long to wait for the server's stream header and "
                                    "handshake answer before trying again.",
                            .min = 100,
                            .max = 600 * 1000});
    section.keys.push_back({.name = "search_rate",
                            .type = KeyType::string,
                            .default_value = "1",
                            .help = "Searches (and account listings) per second allowed to "
                                    "each requester, sustained (a decimal: 0.1 is one in ten "
                                    "seconds); past it, resource-constraint.",
                            .validator = search_rate});
    section.keys.push_back({.name = "search_burst",
                            .type = KeyType::integer,
                            .default_value = "10",
                            .help = "Searches a requester may make at once before search_rate "
                                    "applies.",
                            .min = 1,
                            .max = 100000});
    section.keys.push_back({.name = "list_accounts",
                            .type = KeyType::boolean,
                            .default_value = "true",
                            .help = "Whether disco#items of the domain lists the accounts (to "
                                    "users of local_domains only, within the search rate)."});
    section.keys.push_back({.name = "max_listed_accounts",
                            .type = KeyType::integer,
                            .default_value = "500",
                            .help = "At most this many accounts in one disco#items answer.",
                            .min = 0,
                            .max = 100000});
    section.keys.push_back({.name = "service_name",
                            .type = KeyType::string,
                            .default_value = "SIP directory",
                            .help = "The directory's name as clients see it (disco identity, "
                                    "vCard of the domain).",
                            .validator = service_name});
    section.keys.push_back({.name = "vcard_store",
                            .type = KeyType::path,
                            .default_value = "",
                            .help = "SQLite file of the vCards of the XMPP server's users once "
                                    "it delegates vcard-temp here (XEP-0355); empty: delegated "
                                    "vCard sets are refused."});
    section.keys.push_back({.name = "vcard_guard",
                            .type = KeyType::enumeration,
                            .default_value = "refuse",
                            .help = "A delegated vCard set that drops or replaces a TEL of the "
                                    "binding (SIP URI, numbers): refuse it (not-acceptable) or "
                                    "correct it (TELs put back).",
                            .choices = {"refuse", "correct"}});
    section.keys.push_back({.name = "vcard4_sync",
                            .type = KeyType::boolean,
                            .default_value = "true",
                            .help = "Keep the SIP address and numbers in the server's users' "
                                    "vCard4 (PEP) through XEP-0356 privileged pubsub "
                                    "(conf/prosody-privilege.cfg.lua)."});
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
