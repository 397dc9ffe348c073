#pragma once
// A password check at the XMPP server: connect to [provisioning] auth_host:auth_port, STARTTLS
// with the certificate verified (the name: auth_server_name, or the user's XMPP domain), SCRAM
// as the user (login_dialogue.hpp), then close. The outcome comes once, through the callback,
// on the io_context's thread; within auth_timeout, else unavailable.
#include <functional>
#include <string>

#include "provisioning/asio_include.hpp"
#include "provisioning/login_gate.hpp"
#include "provisioning/provisioning_settings.hpp"

namespace cusax::provisioning {

// The client TLS context for those checks: TLS 1.2 or newer, peer verified against ca_file
// (empty: the system's CAs). Throws std::runtime_error naming an unreadable file.
boost::asio::ssl::context make_xmpp_tls_context(const XmppAuthSettings& settings);

using LoginCallback = std::function<void(LoginOutcome outcome, const std::string& detail)>;

// jid: the user's bare JID (from the binding store); password as the user typed it.
void check_password(boost::asio::io_context& io, boost::asio::ssl::context& tls,
                    const XmppAuthSettings& settings, const std::string& jid, std::string password,
                    LoginCallback done);

}  // namespace cusax::provisioning
