#include "provisioning/provisioning_config.hpp"

#include <cstdio>
#include <filesystem>

#include "provisioning/provisioning_config_values.hpp"
#include "shared/config/settings_table.hpp"
#include "shared/config/validators.hpp"
#include "shared/config/value_parsers.hpp"

namespace cusax::provisioning {
namespace {

namespace checks = config_values;
namespace validators = config::validators;
using config::choice_key;
using config::key;
using config::KeyType;
using config::member;
using S = ProvisioningSettings;

template <class Member>
auto http(Member m) {
    return member(&S::http, m);
}
template <class Member>
auto sip(Member m) {
    return member(&S::sip, m);
}
template <class Member>
auto xmpp(Member m) {
    return member(&S::xmpp, m);
}
template <class Member>
auto auth(Member m) {
    return member(&S::auth, m);
}
template <class Member>
auto attempts(Member m) {
    return member(&S::attempts, m);
}

std::vector<config::KeyProblem> check(const ProvisioningSettings& s, const config::Config& config) {
    std::vector<config::KeyProblem> problems;
    // HTTPS needs both; plain HTTP only where the operator names the TLS terminators in front.
    if (s.http.plain_http_from.empty()) {
        for (const auto& [name, value] : {std::pair{"certificate_file", &s.http.certificate_file},
                                          std::pair{"key_file", &s.http.key_file}}) {
            if (value->empty()) {
                problems.push_back({name,
                                    "empty, but needed for HTTPS (or name the TLS terminators in "
                                    "front in plain_http_from)"});
            }
        }
    }
    if (s.attempts.lockout > s.attempts.lockout_max) {
        problems.push_back({config.is_set("provisioning", "lockout") ? "lockout" : "lockout_max",
                            "lockout (" + config::format_duration(s.attempts.lockout) +
                                ") is longer than lockout_max (" +
                                config::format_duration(s.attempts.lockout_max) + ")"});
    }
    if (s.http.max_connections_per_address > s.http.max_connections) {
        problems.push_back({"max_connections_per_address", "is above max_connections"});
    }
    if (s.formats.empty()) problems.push_back({"formats", "names no format: nothing to serve"});
    return problems;
}

const config::SettingsTable<ProvisioningSettings>& table() {
    static const config::SettingsTable<ProvisioningSettings> table{
        "provisioning",
        "cusax-provisioning: one user id and password configure both accounts (RFC 7081 §2).",
        {
            key("listen", http(&HttpSettings::listen), "HOST:PORT or [IPv6]:PORT to serve on.",
                {.validator = checks::listen_endpoint}),
            key("certificate_file", http(&HttpSettings::certificate_file),
                "PEM file of the server's certificate chain (HTTPS, TLS 1.2 or newer).",
                {.type = KeyType::path}),
            key("key_file", http(&HttpSettings::key_file),
                "PEM file of the certificate's private key, readable by this program only.",
                {.type = KeyType::path}),
            key("plain_http_from", http(&HttpSettings::plain_http_from),
                "Addresses of the TLS terminators in front: plain HTTP is served to them only, "
                "the client being the last X-Forwarded-For entry; empty: HTTPS here.",
                {.validator = checks::ip_address}),
            key("formats", &S::formats,
                "What is served: json (/profile.json), linphone (/linphone.xml), webfinger "
                "(/.well-known/webfinger, public).",
                {.validator = checks::format_name}),
            key("sip_registrar", sip(&SipAnnounce::registrar),
                "Registrar announced to clients, sip:HOST[:PORT]; empty: the host of the user's "
                "AOR.",
                {.validator = validators::optional_sip_uri}),
            key("sip_outbound_proxy", sip(&SipAnnounce::outbound_proxy),
                "Outbound proxy announced to clients (a sip: URI); empty: none.",
                {.validator = validators::optional_sip_uri}),
            choice_key<SipTransport>("sip_transport", sip(&SipAnnounce::transport),
                                     {{"udp", SipTransport::udp},
                                      {"tcp", SipTransport::tcp},
                                      {"tls", SipTransport::tls}},
                                     "SIP transport announced to clients."),
            choice_key<SipPassword>(
                "sip_password", sip(&SipAnnounce::password),
                {{"same", SipPassword::same}, {"separate", SipPassword::separate}},
                "same: the SIP service takes the password the user logs in with (the Linphone "
                "profile then carries it back); separate: the client asks for it."),
            key("sip_switch_off", sip(&SipAnnounce::switch_off),
                "SIP features a CUSAX client switches off (RFC 7081 §2): messaging, presence.",
                {.validator = checks::sip_feature}),
            key("xmpp_host", xmpp(&XmppAnnounce::host),
                "XMPP host announced to clients; empty: the JID's domain.",
                {.validator = checks::optional_host}),
            key("xmpp_port", xmpp(&XmppAnnounce::port), "XMPP client port announced to clients.",
                {.min = 1, .max = 65535}),
            key("xmpp_switch_off", xmpp(&XmppAnnounce::switch_off),
                "XMPP features a CUSAX client switches off (RFC 7081 §2): audio, video.",
                {.validator = checks::xmpp_feature}),
            key("auth_host", auth(&XmppAuthSettings::host),
                "XMPP server that checks passwords: logging in there as the user (SCRAM over "
                "STARTTLS).",
                {.validator = checks::host}),
            key("auth_port", auth(&XmppAuthSettings::port),
                "Client-to-server port of that XMPP server.", {.min = 1, .max = 65535}),
            key("auth_ca_file", auth(&XmppAuthSettings::ca_file),
                "PEM file of the CAs that may sign the XMPP server's certificate; empty: the "
                "system's CAs.",
                {.type = KeyType::path}),
            key("auth_server_name", auth(&XmppAuthSettings::server_name),
                "Name the XMPP server's certificate must carry; empty: the user's XMPP domain.",
                {.validator = checks::optional_host}),
            key("auth_timeout", auth(&XmppAuthSettings::timeout),
                "Longest a password check at the XMPP server may take; then 503.",
                {.min = 100, .max = 60 * 1000}),
            key("auth_max_concurrent", auth(&XmppAuthSettings::max_concurrent),
                "Password checks answered at once; past it, 503 with Retry-After.",
                {.min = 1, .max = 10000}),
            key("failure_delay", attempts(&AttemptSettings::failure_delay),
                "No failed login is answered sooner than this after its request: an unknown "
                "user and a wrong password look alike.",
                {.min = 0, .max = 30 * 1000}),
            key("max_failures_per_user", attempts(&AttemptSettings::max_failures_per_user),
                "Failed logins for one user id before it is locked out.", {.min = 1, .max = 1000}),
            key("max_failures_per_address", attempts(&AttemptSettings::max_failures_per_address),
                "Failed logins from one address (IPv6: its /64) before it is locked out.",
                {.min = 1, .max = 100000}),
            key("lockout", attempts(&AttemptSettings::lockout),
                "First lock-out (429 with Retry-After); each next one doubles.",
                {.min = 1000, .max = 24 * 3600 * 1000}),
            key("lockout_max", attempts(&AttemptSettings::lockout_max),
                "Longest lock-out; a key with no failure and no lock-out for this long starts "
                "afresh.",
                {.min = 1000, .max = 7 * 24 * 3600 * 1000LL}),
            key("max_header_size", http(&HttpSettings::max_header_size),
                "Largest request header accepted; larger: 431.",
                {.type = KeyType::size, .min = 1024, .max = 1024 * 1024}),
            key("max_body_size", http(&HttpSettings::max_body_size),
                "Largest request body accepted; larger: 413.",
                {.type = KeyType::size, .min = 0, .max = 1024 * 1024}),
            key("request_timeout", http(&HttpSettings::request_timeout),
                "Time for a new connection's TLS handshake and first request, and for writing "
                "any answer.",
                {.min = 100, .max = 600 * 1000}),
            key("idle_timeout", http(&HttpSettings::idle_timeout),
                "Time a kept-alive connection has to send its next request.",
                {.min = 100, .max = 3600 * 1000}),
            key("max_connections", http(&HttpSettings::max_connections),
                "Connections held at once; past it, the longest-waiting idle one is closed, or "
                "the new one.",
                {.min = 1, .max = 1000000}),
            key("max_connections_per_address", http(&HttpSettings::max_connections_per_address),
                "Connections one address (IPv6: its /64) may hold; past it, likewise.",
                {.min = 1, .max = 1000000}),
        },
        check};
    return table;
}

}  // namespace

config::SectionDecl provisioning_config_section() { return table().declaration(); }

ProvisioningSettings provisioning_config(const config::Config& config) {
    return table().read(config);
}

std::vector<std::string> provisioning_config_warnings(const config::Config& config) {
    std::vector<std::string> warnings;
    const auto path = provisioning_config(config).http.key_file;
    if (path.empty()) return warnings;
    std::error_code ignored;
    const auto perms = std::filesystem::status(path, ignored).permissions();
    using std::filesystem::perms;
    if (perms == perms::unknown ||
        (perms & (perms::group_read | perms::others_read)) == perms::none) {
        return warnings;
    }
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(perms & perms::mask));
    warnings.push_back("[provisioning] key_file: the TLS key " + path +
                       " can be read by other users than its owner (mode " + octal +
                       "; chmod go-rwx it)");
    return warnings;
}

}  // namespace cusax::provisioning
