#include "sip-proxy/proxy_config.hpp"

#include <cctype>
#include <stdexcept>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

namespace {

constexpr std::string_view kSection = "sip-proxy";

ChargeAction action(const config::Config& config, std::string_view key) {
    auto parsed = charge_action_from_string(config.string(kSection, key));
    // The enumeration's choices are exactly allow|warn|block: anything else is a bug.
    if (!parsed) throw std::logic_error("[sip-proxy] " + std::string(key) + ": bad choice");
    return *parsed;
}

TlsVerify verify(const std::string& text) {
    if (text == "none") return TlsVerify::none;
    if (text == "incoming") return TlsVerify::incoming;
    if (text == "all") return TlsVerify::all;
    return TlsVerify::outgoing;
}

}  // namespace

ProxySettings proxy_settings(const config::Config& config) {
    ProxySettings s;
    s.listen = config.list(kSection, "listen");
    s.next_hop = config.string(kSection, "next_hop");
    s.trusted_peers = config.list(kSection, "trusted_peers");
    s.record_route = config.boolean(kSection, "record_route");
    s.identity_from_header = config.boolean(kSection, "identity_from_header");
    s.call_info_methods = config.list(kSection, "call_info_methods");
    s.udp_receive_buffer = static_cast<int>(config.size(kSection, "udp_receive_buffer"));
    s.udp_send_buffer = static_cast<int>(config.size(kSection, "udp_send_buffer"));
    s.tls_certificate_dir = config.string(kSection, "tls_certificate_dir");
    s.tls_verify = verify(config.string(kSection, "tls_verify_peers"));
    s.dial_plan.local_domains = config.list(kSection, "local_domains");
    for (auto& domain : s.dial_plan.local_domains) domain = text::ascii_lower(domain);
    s.dial_plan.local_number_prefixes = config.list(kSection, "local_number_prefixes");
    s.dial_plan.offnet_number_prefixes = config.list(kSection, "offnet_number_prefixes");
    s.dial_plan.emergency_numbers = config.list(kSection, "emergency_numbers");
    s.charge_policy.on_net = action(config, "on_net_policy");
    s.charge_policy.pstn = action(config, "pstn_policy");
    s.charge_policy.inter_domain = action(config, "inter_domain_policy");
    s.charge_policy.pstn_text = config.string(kSection, "pstn_warning");
    s.charge_policy.inter_domain_text = config.string(kSection, "inter_domain_warning");
    s.charge_policy.on_net_text = config.string(kSection, "on_net_warning");
    s.warning_agent = config.string(kSection, "warning_agent");
    return s;
}

}  // namespace cusax::sip_proxy
