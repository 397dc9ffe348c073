#pragma once
// What cusax-provisioning needs to know, filled from the [provisioning] INI section by
// provisioning_config.cpp, which declares each key beside its member here: a member's default
// is its key's default (tests fill the struct by hand).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cusax::provisioning {

// How clients reach the service, and what one connection may cost (http_session.cpp).
struct HttpSettings {
    std::vector<std::string> listen{"127.0.0.1:8443"};  // HOST:PORT, [IPv6]:PORT
    // PEM certificate chain and private key (never logged), as a Debian host keeps them; unused
    // with plain_http_from.
    std::string certificate_file = "/etc/cusax/provisioning.crt";
    std::string key_file = "/etc/cusax/provisioning.key";
    // Addresses of the TLS terminators in front: plain HTTP is then served to them only, and
    // the client's address is the last X-Forwarded-For entry they add. Empty: HTTPS here.
    std::vector<std::string> plain_http_from;
    std::size_t max_header_size = 8 * 1024;
    std::size_t max_body_size = 1024;  // provisioning requests are GETs: no body is needed
    // TLS handshake and the first request of a connection, and writing any answer.
    std::chrono::milliseconds request_timeout{10000};
    // How long a kept-alive connection may take to send its next request.
    std::chrono::milliseconds idle_timeout{30000};
    std::size_t max_connections = 1024;
    std::size_t max_connections_per_address = 64;
};

enum class SipTransport { udp, tcp, tls };
// Whether the SIP service accepts the password the user logs in to XMPP with.
enum class SipPassword { same, separate };

// The SIP account as the profile announces it (profile.hpp).
struct SipAnnounce {
    std::string registrar;       // sip:HOST[:PORT]; empty: sip: and the AOR's host
    std::string outbound_proxy;  // sip: URI; empty: none
    SipTransport transport = SipTransport::tls;
    SipPassword password = SipPassword::separate;
    // RFC 7081 §2: a CUSAX client disables instant messaging and presence over SIP.
    std::vector<std::string> switch_off{"messaging", "presence"};
};

// The XMPP account as the profile announces it.
struct XmppAnnounce {
    std::string host;  // empty: the JID's domain (clients then use DNS SRV as usual)
    std::uint16_t port = 5222;
    // RFC 7081 §2: a CUSAX client disables audio and video calling over XMPP.
    std::vector<std::string> switch_off{"audio", "video"};
};

// Where the password is checked: a login to the XMPP server as the user (xmpp_login.hpp).
struct XmppAuthSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5222;
    std::string ca_file;      // empty: the system's CAs
    std::string server_name;  // name the certificate must carry; empty: the user's XMPP domain
    std::chrono::milliseconds timeout{5000};
    std::size_t max_concurrent = 64;  // attempts (to the server or not) answered at once
};

// Failed attempts, per user and per source address (attempt_limiter.hpp), and the floor under
// every failure's answer time (login_gate.hpp).
struct AttemptSettings {
    std::chrono::milliseconds failure_delay{1000};
    std::size_t max_failures_per_user = 5;
    std::size_t max_failures_per_address = 20;
    std::chrono::milliseconds lockout{60000};
    std::chrono::milliseconds lockout_max{3600000};
};

struct ProvisioningSettings {
    HttpSettings http;
    SipAnnounce sip;
    XmppAnnounce xmpp;
    XmppAuthSettings auth;
    AttemptSettings attempts;
    std::vector<std::string> formats{"json", "linphone", "webfinger"};
};

}  // namespace cusax::provisioning
