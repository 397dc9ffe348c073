#pragma once
// The XMPP server's component port accepts the component's secret: a XEP-0114 handshake as
// cusax-xmpp-component makes it, then a clean close. A wrong secret, a closed port, a port
// that is not a component port and a domain the server does not know are told apart.
//
// While cusax-xmpp-component is connected, Prosody refuses a second connection for its domain
// with `conflict`, after checking the secret (mod_component, component_conflict_resolve =
// kick_new, its default): that answer, too, proves the secret, and leaves the running
// component alone. ejabberd lets several connections serve one domain, so there the handshake
// succeeds; doctor's stream lasts as long as one round trip.
#include <chrono>
#include <string>

#include "cusaxctl/doctor/check_result.hpp"
#include "cusaxctl/doctor/component_probe.hpp"
#include "xmpp-component/component_settings.hpp"

namespace cusax::ctl::doctor {

// Where the keys a fix names are set ("cusax.ini:52"), or "default".
struct ComponentKeyLocations {
    std::string server;  // server_host / server_port
    std::string domain;
    std::string secret;
    std::string tls;
};

CheckResult check_component(const xmpp::ComponentSettings& settings,
                            const ComponentKeyLocations& where, std::chrono::milliseconds timeout);

CheckResult component_verdict(const xmpp::ComponentSettings& settings,
                              const HandshakeOutcome& outcome, std::chrono::milliseconds timeout,
                              const ComponentKeyLocations& where);

}  // namespace cusax::ctl::doctor
