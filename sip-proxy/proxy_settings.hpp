#pragma once
// Settings of cusax-sip-proxy as plain values. The [sip-proxy] INI section (shared/config, not
// ready yet) will fill this struct; until then main.cpp fills it from command-line flags.
#include <chrono>
#include <string>
#include <vector>

#include "sip-proxy/dial_plan.hpp"

namespace cusax::sip_proxy {

struct ProxySettings {
    // Where to listen, as Sofia-SIP URIs ("sip:127.0.0.1:5060", "sip:*:5060;transport=tcp",
    // "sips:*:5061"). Planned key: listen.
    std::vector<std::string> listen = {"sip:127.0.0.1:5060"};
    // Where requests go when they carry no Route beyond ours, e.g. "sip:127.0.0.1:5070".
    // Empty: by the Request-URI. Planned key: next_hop.
    std::string next_hop;
    // Peers whose P-Asserted-Identity and Call-Info are believed (trust_policy.hpp syntax:
    // "127.0.0.1", "10.0.0.0/8", "::1", "tls:sbc.example.com"). Planned key: trusted_peers.
    std::vector<std::string> trusted_peers;
    // Adds a Record-Route so in-dialog requests come back through the proxy.
    // Planned key: record_route.
    bool record_route = false;
    // Methods that get the Call-Info impp (initial requests only: no To tag).
    // Planned key: call_info_methods.
    std::vector<std::string> call_info_methods = {"INVITE"};
    // Use the From URI as the caller's identity when a trusted hop sends no
    // P-Asserted-Identity. Planned key: identity_from_header.
    bool identity_from_header = false;
    // Socket buffer sizes in bytes, 0 = kernel default. Planned keys: udp_receive_buffer,
    // udp_send_buffer.
    int udp_receive_buffer = 0;
    int udp_send_buffer = 0;
    // The dial plan and what each class of target gets (dial_plan.hpp).
    DialPlan dial_plan;
    ChargePolicy charge_policy;
    // Host named in Warning headers (RFC 3261 §20.43 warn-agent). Empty: the listen host.
    // Planned key: warning_agent.
    std::string warning_agent;
};

}  // namespace cusax::sip_proxy
