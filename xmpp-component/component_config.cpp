#include "xmpp-component/component_config.hpp"

#include "shared/config/settings_table.hpp"
#include "shared/config/validators.hpp"
#include "shared/config/value_parsers.hpp"
#include "shared/store/user_vcard_store.hpp"
#include "shared/text/ascii_case.hpp"
#include "xmpp-component/component_config_values.hpp"

namespace cusax::xmpp {
namespace {

namespace checks = config_values;
namespace validators = config::validators;
using config::choice_key;
using config::key;
using config::KeyType;
using config::member;
using config::reloadable;
using C = ComponentConfig;

// The stream's settings (component_settings.hpp).
template <class Member>
auto stream(Member m) {
    return member(&C::stream, m);
}
// The directory's settings (directory_settings.hpp).
template <class Member>
auto directory(Member m) {
    return member(&C::directory, m);
}

std::vector<config::KeyProblem> check(const ComponentConfig& c, const config::Config& config) {
    std::vector<config::KeyProblem> problems;
    const auto min = c.stream.reconnect_min;
    const auto max = c.stream.reconnect_max;
    if (min > max) {
        // Blame the key the operator wrote; with both defaults this cannot happen.
        problems.push_back(
            {config.is_set("xmpp-component", "reconnect_min") ? "reconnect_min" : "reconnect_max",
             "reconnect_min (" + config::format_duration(min) + ") is longer than reconnect_max (" +
                 config::format_duration(max) + ")"});
    }
    // A server named in trusted_servers speaks for every user of its domain: with several
    // local_domains, which of them are this server's own is the operator's to say.
    if (!config.is_set("xmpp-component", "trusted_servers") && c.stream.local_domains.size() > 1) {
        problems.push_back({"trusted_servers",
                            "local_domains names several domains: list in trusted_servers the "
                            "ones served by the XMPP server the component connects to"});
    }
    // The component's own domain is no server's: a grant or a delegation "from" it could only
    // be a stanza the component is made to believe it sent itself.
    for (const auto& server : c.directory.trusted_servers) {
        if (text::ascii_lower(server) == text::ascii_lower(c.stream.domain)) {
            problems.push_back({"trusted_servers", "names the component's own domain (" +
                                                       c.stream.domain +
                                                       "): list the XMPP server's domains"});
        }
    }
    // The vCards can only share the bindings' database when that is a PostgreSQL one.
    if (c.vcard_store == store::kVcardsInStoreDatabase &&
        config.string("store", "backend") != "postgresql") {
        problems.push_back({"vcard_store",
                            "postgresql keeps the users' vCards in the [store] database: set "
                            "[store] backend = postgresql, or name a SQLite file"});
    }
    return problems;
}

const config::SettingsTable<ComponentConfig>& table() {
    static const config::SettingsTable<ComponentConfig> table{
        "xmpp-component",
        "cusax-xmpp-component: the XEP-0114 component of the XMPP server.",
        {
            key("server_host", stream(&ComponentSettings::server_host),
                "Host of the XMPP server's component listener."),
            key("server_port", stream(&ComponentSettings::server_port),
                "TCP port of the XMPP server's component listener.", {.min = 1, .max = 65535}),
            key("domain", stream(&ComponentSettings::domain),
                "The component's domain, as declared in the XMPP server.",
                {.required = true, .validator = validators::domain_name}),
            key("secret", stream(&ComponentSettings::secret),
                "Shared secret of the component handshake (XEP-0114).",
                {.required = true, .secret = true}),
            key("tls", stream(&ComponentSettings::tls),
                "TLS from the first byte to the component port (ejabberd: tls: true on the "
                "listener; Prosody 0.12: ssl_ports with mod_net_multiplex), the certificate "
                "always verified."),
            reloadable(key("tls_ca_file", stream(&ComponentSettings::tls_ca_file),
                           "PEM file of the CA certificates that may sign the server's "
                           "certificate; empty: the system's CAs. A reload reads it again for "
                           "the next connection.",
                           {.type = KeyType::path})),
            key("tls_server_name", stream(&ComponentSettings::tls_server_name),
                "Name the server's certificate must carry (also sent as SNI), e.g. the XMPP "
                "domain; empty: server_host.",
                {.validator = checks::tls_server_name}),
            key("local_domains", stream(&ComponentSettings::local_domains),
                "XMPP domains whose users may search the bindings.",
                {.validator = validators::domain_name}),
            key("trusted_servers", directory(&DirectorySettings::trusted_servers),
                "XMPP domains whose server may delegate (XEP-0355) and grant privileges "
                "(XEP-0356), speaking for all its users; empty: the one local_domains entry.",
                {.validator = validators::domain_name}),
            key("reconnect_min", stream(&ComponentSettings::reconnect_min),
                "First delay before reconnecting to the XMPP server."),
            key("reconnect_max", stream(&ComponentSettings::reconnect_max),
                "Longest delay between reconnection attempts (backoff cap); a stream that stays up "
                "this long resets the backoff."),
            key("max_stanza_size", stream(&ComponentSettings::max_stanza_size),
                "Largest stanza accepted from the server; a larger one is skipped and logged, and "
                "an iq request gets policy-violation; at least 16KiB.",
                {.type = KeyType::size, .min = 16 * 1024}),
            key("keepalive_interval", stream(&ComponentSettings::keepalive_interval),
                "Interval of whitespace keepalives; with nothing read for that long a ping goes "
                "through the server, and with nothing read for twice as long the connection is "
                "presumed dead.",
                {.min = 1000, .max = 3600 * 1000}),
            key("handshake_timeout", stream(&ComponentSettings::handshake_timeout),
                "How long to wait for the server's stream header and handshake answer before "
                "trying again.",
                {.min = 100, .max = 600 * 1000}),
            reloadable(key("search_rate", member(&C::search, &SearchLimits::rate_per_second),
                           "Searches (and account listings) per second allowed to each requester, "
                           "sustained (a decimal: 0.1 is one in ten seconds); past it, "
                           "resource-constraint.",
                           {.type = KeyType::string, .validator = checks::search_rate})),
            reloadable(key("search_burst", member(&C::search, &SearchLimits::burst),
                           "Searches a requester may make at once before search_rate applies.",
                           {.min = 1, .max = 100000})),
            reloadable(key("list_accounts", directory(&DirectorySettings::list_accounts),
                           "Whether disco#items of the domain lists the accounts (to users of "
                           "local_domains only, within the search rate).")),
            reloadable(key("max_listed_accounts",
                           directory(&DirectorySettings::max_listed_accounts),
                           "At most this many accounts in one disco#items answer.",
                           {.min = 0, .max = 100000})),
            reloadable(
                key("service_name", directory(&DirectorySettings::service_name),
                    "The directory's name as clients see it (disco identity, vCard of the domain).",
                    {.validator = checks::service_name})),
            key("vcard_store", &C::vcard_store,
                "vCards of the XMPP server's users once it delegates vcard-temp here "
                "(XEP-0355): a SQLite file, or postgresql (the [store] database); empty: "
                "delegated vCard sets are refused.",
                {.type = KeyType::string, .validator = checks::vcard_store}),
            choice_key<VcardGuard>(
                "vcard_guard", directory(&DirectorySettings::vcard_guard),
                {{"refuse", VcardGuard::refuse}, {"correct", VcardGuard::correct}},
                "A delegated vCard set that drops or replaces a TEL of the binding (SIP "
                "URI, numbers): refuse it (not-acceptable) or correct it (TELs put back)."),
            key("vcard4_sync", &C::vcard4_sync,
                "Keep the SIP address and numbers in the server's users' vCard4 (PEP) through "
                "XEP-0356 privileged pubsub (conf/prosody-privilege.cfg.lua)."),
        },
        check};
    return table;
}

}  // namespace

config::SectionDecl component_config_section() { return table().declaration(); }

ComponentConfig component_config(const config::Config& config) {
    ComponentConfig out = table().read(config);
    // The directory answers for the stream's domain and users (one key each).
    out.directory.domain = out.stream.domain;
    out.directory.local_domains = out.stream.local_domains;
    // One local domain is the server's own; check() refuses several without trusted_servers.
    if (out.directory.trusted_servers.empty() && out.stream.local_domains.size() == 1) {
        out.directory.trusted_servers = out.stream.local_domains;
    }
    for (auto& d : out.directory.trusted_servers) d = text::ascii_lower(d);
    return out;
}

}  // namespace cusax::xmpp
