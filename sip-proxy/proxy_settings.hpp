#pragma once
// Settings of cusax-sip-proxy as plain values, filled from the [sip-proxy] INI section by
// proxy_config.hpp. Each member names its key; the defaults are the declared ones
// (shared/config/sections/sip_proxy_section.cpp), so a test that builds this struct by hand
// runs the proxy as an operator with an empty section would.
#include <chrono>
#include <string>
#include <vector>

#include "sip-proxy/dial_plan.hpp"

namespace cusax::sip_proxy {

enum class TlsVerify { none, outgoing, incoming, all };

// Who reads and writes the UDP datagrams: the proxy's own batched path (udp_path.hpp), or
// Sofia-SIP's transport, one datagram per wake-up.
enum class UdpTransport { batched, sofia };

struct ProxySettings {
    // Where to listen, as Sofia-SIP URIs ("sip:127.0.0.1:5060", "sip:*:5060;transport=tcp",
    // "sips:*:5061"). Key: listen.
    std::vector<std::string> listen = {"sip:127.0.0.1:5070"};
    // Where requests go when they carry no Route beyond ours, e.g. "sip:127.0.0.1:5070".
    // Empty: by the Request-URI. Key: next_hop.
    std::string next_hop;
    // Peers whose P-Asserted-Identity and Call-Info are believed (trust_policy.hpp syntax:
    // "127.0.0.1", "10.0.0.0/8", "::1", "tls:sbc.example.com"). Key: trusted_peers.
    std::vector<std::string> trusted_peers;
    // Adds a Record-Route so in-dialog requests come back through the proxy.
    // Key: record_route.
    bool record_route = false;
    // Methods that get the Call-Info impp (initial requests only: no To tag).
    // Key: call_info_methods.
    std::vector<std::string> call_info_methods = {"INVITE"};
    // Use the From URI as the caller's identity when a trusted hop sends no
    // P-Asserted-Identity. Key: identity_from_header.
    bool identity_from_header = false;
    // Socket buffer sizes in bytes (the kernel caps them at net.core.rmem_max / wmem_max), 0 =
    // kernel default. Keys: udp_receive_buffer, udp_send_buffer.
    int udp_receive_buffer = 4 << 20;
    int udp_send_buffer = 4 << 20;
    // Key: udp_transport.
    UdpTransport udp_transport = UdpTransport::batched;
    // Processes sharing the listening addresses (udp_workers.hpp). Key: workers.
    int workers = 1;
    // TLS: the directory with agent.pem and cafile.pem (Sofia-SIP's convention), needed by
    // sips: listeners and TLS next hops; whose certificates must verify. Keys:
    // tls_certificate_dir, tls_verify_peers.
    std::string tls_certificate_dir;
    TlsVerify tls_verify = TlsVerify::outgoing;
    // The dial plan and what each class of target gets (dial_plan.hpp).
    DialPlan dial_plan;
    ChargePolicy charge_policy;
    // A file holding the key that signs the branch of our Via (charge_marker.hpp), the same
    // for every instance that may see a call's responses. Empty: a random key per process.
    // Key: branch_key_file.
    std::string branch_key_file;
    // Not a key: the key itself, when workers share one drawn at start (no branch_key_file).
    std::string branch_key;
    // Host named in Warning headers (RFC 3261 §20.43 warn-agent). Empty: the listen host.
    // Key: warning_agent.
    std::string warning_agent;
};

}  // namespace cusax::sip_proxy
