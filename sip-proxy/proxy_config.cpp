#include "sip-proxy/proxy_config.hpp"

#include <filesystem>

#include "shared/config/metrics_section.hpp"
#include "shared/config/settings_table.hpp"
#include "shared/config/validators.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/proxy_config_branch_key.hpp"
#include "sip-proxy/proxy_config_values.hpp"

namespace cusax::sip_proxy {
namespace {

namespace checks = config_values;
namespace validators = config::validators;
using config::choice_key;
using config::key;
using config::KeyType;
using config::member;
using config::reloadable;
using S = ProxySettings;

const std::vector<std::pair<std::string, ChargeAction>> kPolicies = {
    {"allow", ChargeAction::allow}, {"warn", ChargeAction::warn}, {"block", ChargeAction::block}};

// A sips: listener without a directory falls back to Sofia-SIP's own default
// ($HOME/.sip/auth); start-up names the directory when that fails.
std::vector<config::KeyProblem> check(const ProxySettings& s, const config::Config&) {
    std::vector<config::KeyProblem> problems;
    if (!s.tls_certificate_dir.empty()) {
        std::error_code ignored;
        // Sofia-SIP's convention (tport_tls.c): the key and certificate in agent.pem.
        if (!std::filesystem::is_regular_file(
                std::filesystem::path(s.tls_certificate_dir) / "agent.pem", ignored))
            problems.push_back({"tls_certificate_dir", "no agent.pem in " + s.tls_certificate_dir});
    }
    if (!s.branch_key_file.empty()) {
        try {
            read_branch_key(s.branch_key_file);
        } catch (const std::exception& e) {
            problems.push_back({"branch_key_file", e.what()});
        }
    }
    return problems;
}

const config::SettingsTable<ProxySettings>& table() {
    static const config::SettingsTable<ProxySettings> table{
        "sip-proxy",
        "cusax-sip-proxy: the SIP proxy beside the SIP server.",
        {
            key("listen", &S::listen,
                "SIP URIs to listen on: sip:HOST:PORT (UDP and TCP), ;transport=udp or tcp for "
                "one, sips:HOST:PORT for TLS.",
                {.validator = validators::sip_listen_uri}),
            key("next_hop", &S::next_hop,
                "SIP URI every request is relayed to (the SIP server); empty: route by Route, "
                "then Request-URI.",
                {.validator = validators::optional_sip_uri}),
            reloadable(
                key("trusted_peers", &S::trusted_peers,
                    "Peers whose P-Asserted-Identity is believed: IP addresses, CIDR networks, "
                    "tls:NAME.",
                    {.validator = validators::trusted_peer})),
            reloadable(key("record_route", &S::record_route,
                           "Add Record-Route so in-dialog requests come through us.")),
            reloadable(
                key("identity_from_header", &S::identity_from_header,
                    "Take the From URI as the caller's identity when a trusted peer sends no "
                    "P-Asserted-Identity.")),
            reloadable(key("call_info_methods", &S::call_info_methods,
                           "Requests that get a Call-Info with the caller's JID.",
                           {.validator = validators::sip_method})),
            key("udp_receive_buffer", &S::udp_receive_buffer,
                "Kernel receive buffer of each UDP socket (SO_RCVBUF); capped by "
                "net.core.rmem_max.",
                {.type = KeyType::size, .max = 1LL << 30}),
            key("udp_send_buffer", &S::udp_send_buffer,
                "Kernel send buffer of each UDP socket (SO_SNDBUF); capped by net.core.wmem_max.",
                {.type = KeyType::size, .max = 1LL << 30}),
            choice_key<UdpTransport>(
                "udp_transport", &S::udp_transport,
                {{"batched", UdpTransport::batched}, {"sofia", UdpTransport::sofia}},
                "Who reads and writes UDP: batched (the proxy's own path, many datagrams per "
                "system call) or sofia (Sofia-SIP's transport, one datagram per wake-up)."),
            key("workers", &S::workers,
                "Proxy processes sharing the listening addresses (SO_REUSEPORT); SIGHUP reloads "
                "all, SIGUSR2 replaces them one by one; worker K: metrics port + K - 1.",
                {.min = 1, .max = 64}),
            key("tls_certificate_dir", &S::tls_certificate_dir,
                "Directory with agent.pem (key and certificate) and cafile.pem (CAs), for sips: "
                "listeners and TLS next hops.",
                {.type = KeyType::path}),
            choice_key<TlsVerify>(
                "tls_verify_peers", &S::tls_verify,
                {{"none", TlsVerify::none},
                 {"outgoing", TlsVerify::outgoing},
                 {"incoming", TlsVerify::incoming},
                 {"all", TlsVerify::all}},
                "Whose TLS certificates must verify against cafile.pem: the hops we "
                "connect to (outgoing), the peers that connect to us (incoming), all or "
                "none."),
            reloadable(key("local_domains", member(&S::dial_plan, &DialPlan::local_domains),
                           "SIP domains served here: their URIs are on-net calls, and a "
                           "dial string there is a number (next_hop's host is one too).",
                           {.validator = validators::domain_name})),
            reloadable(key("local_number_prefixes",
                           member(&S::dial_plan, &DialPlan::local_number_prefixes),
                           "Number ranges on the operator's own network (+4930123): on-net calls.",
                           {.validator = checks::number_prefix})),
            reloadable(key(
                "offnet_number_prefixes", member(&S::dial_plan, &DialPlan::offnet_number_prefixes),
                "Dialled numbers that leave the network (0, +): PSTN calls unless on-net.",
                {.validator = checks::number_prefix})),
            reloadable(
                key("emergency_numbers", member(&S::dial_plan, &DialPlan::emergency_numbers),
                    "Emergency numbers: never warned or blocked (also every urn:service:sos URI).",
                    {.validator = checks::emergency_number})),
            reloadable(choice_key("on_net_policy", member(&S::charge_policy, &ChargePolicy::on_net),
                                  kPolicies, "Calls within the service: allow, warn or block.")),
            reloadable(choice_key("pstn_policy", member(&S::charge_policy, &ChargePolicy::pstn),
                                  kPolicies,
                                  "Calls to the telephone network: allow, warn or block.")),
            reloadable(choice_key("inter_domain_policy",
                                  member(&S::charge_policy, &ChargePolicy::inter_domain), kPolicies,
                                  "Calls to other SIP domains: allow, warn or block.")),
            reloadable(key("pstn_warning", member(&S::charge_policy, &ChargePolicy::pstn_text),
                           "Text of the Warning 399 on responses to a warned or blocked PSTN call.",
                           {.validator = checks::warning_text})),
            reloadable(key("inter_domain_warning",
                           member(&S::charge_policy, &ChargePolicy::inter_domain_text),
                           "Text of the Warning 399 for a warned or blocked inter-domain call.",
                           {.validator = checks::warning_text})),
            reloadable(key("on_net_warning", member(&S::charge_policy, &ChargePolicy::on_net_text),
                           "Text of the Warning 399 for a warned or blocked on-net call.",
                           {.validator = checks::warning_text})),
            key("branch_key_file", &S::branch_key_file,
                "File with the key (32 bytes or more) that signs the charge marker in our Via; "
                "the same file on every instance. Empty: a random key per process.",
                {.type = KeyType::path}),
            reloadable(key(
                "warning_agent", &S::warning_agent,
                "Host named in the Warning headers (warn-agent); empty: the first listen address.",
                {.validator = checks::warning_agent})),
        },
        check};
    return table;
}

// Worker K serves its metrics on sip_proxy_listen's port + K - 1 (proxy_metrics.hpp): the
// component's port among them would stop the proxy at start; said before that.
std::string worker_metrics_clash(int workers, const config::MetricsConfig& metrics) {
    const auto proxy = config::parse_listen_address(metrics.sip_proxy_listen);
    const auto component = config::parse_listen_address(metrics.xmpp_component_listen);
    if (workers <= 1 || !proxy || !component) return {};
    const int last = proxy->port + workers - 1;
    if (component->port <= proxy->port || component->port > last) return {};
    return "worker " + std::to_string(component->port - proxy->port + 1) +
           " would serve its metrics on [metrics] xmpp_component_listen's port " +
           std::to_string(component->port) +
           " (worker K serves on sip_proxy_listen's port + K "
           "- 1): move one of them";
}

}  // namespace

config::SectionDecl proxy_config_section() { return table().declaration(); }

ProxySettings proxy_settings(const config::Config& config) {
    ProxySettings settings = table().read(config);
    // The dial plan compares hosts in lower case (dial_plan.hpp).
    for (auto& domain : settings.dial_plan.local_domains) domain = text::ascii_lower(domain);
    return settings;
}

std::vector<std::string> proxy_config_warnings(const config::Config& config) {
    std::vector<std::string> warnings;
    const ProxySettings settings = proxy_settings(config);
    if (!settings.branch_key_file.empty())
        if (std::string exposure = branch_key_file_exposure(settings.branch_key_file);
            !exposure.empty())
            warnings.push_back("[sip-proxy] branch_key_file: " + std::move(exposure));
    if (std::string clash = worker_metrics_clash(settings.workers, config::metrics_config(config));
        !clash.empty())
        warnings.push_back("[sip-proxy] workers: " + std::move(clash));
    return warnings;
}

}  // namespace cusax::sip_proxy
