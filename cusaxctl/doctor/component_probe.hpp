#pragma once
// Wire: a XEP-0114 handshake with the XMPP server's component port, as cusax-xmpp-component
// makes it (TLS from the first byte when [xmpp-component] tls is on), then a clean close.
// Every wait ends at the deadline.
#include <chrono>
#include <optional>
#include <string>

#include "cusaxctl/doctor/net_basics.hpp"
#include "xmpp-component/component_settings.hpp"

namespace cusax::ctl::doctor {

struct HandshakeOutcome {
    std::string server;  // "127.0.0.1:5347"
    // How far it got: connected, the server's stream header came, and its answer.
    std::optional<NetFailure> failure;        // connecting or TLS failed, or no answer in time
    std::string error;                        // the failure's text
    bool connected = false;                   // the TCP connection (and TLS) was made
    bool stream_opened = false;               // the server's stream header came
    bool accepted = false;                    // <handshake/>
    std::optional<std::string> stream_error;  // its condition ("not-authorized")
    std::string stream_error_text;
    std::optional<std::string> not_xmpp;  // the server sent something else
    bool closed_cleanly = false;          // the server ended its stream after ours
};

HandshakeOutcome probe_component(const xmpp::ComponentSettings& settings,
                                 std::chrono::milliseconds timeout);

}  // namespace cusax::ctl::doctor
