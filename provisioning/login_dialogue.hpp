#pragma once
// What a password check says to the XMPP server and what it makes of the answers: an XMPP
// client-to-server stream (RFC 6120) opened, upgraded with STARTTLS (§5), then SASL SCRAM
// (§6, scram.hpp) as the user; never a resource bound, so the login is never a session (no
// presence, no roster, nothing the user's contacts see). Pure: fed the stream's header and
// stanzas as xml_stream_parser.hpp reads them, it says what to send next and, at the end, the
// outcome. xmpp_login.cpp carries the bytes.
//
// Why not an XMPP client library: Debian has none for C++ that cusax already links (and a
// client library would bind a resource and keep a session, which is the opposite of a bare
// password check); the few stanzas of STARTTLS and SASL are read with the project's own
// expat-based stream parser (shared/xml), which already refuses what RFC 6120 §11.1 forbids.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "provisioning/login_gate.hpp"
#include "provisioning/scram.hpp"
#include "shared/xml/xml_element.hpp"
#include "shared/xml/xml_stream_parser.hpp"

namespace cusax::provisioning {

class LoginDialogue {
  public:
    // local, domain: the user's bare JID; password: SASLprep'ed (scram.hpp); nonce for SCRAM.
    LoginDialogue(std::string local, std::string domain, std::string password, std::string nonce);

    // The stream header to send: at the start, and again once TLS is up (RFC 6120 §5.4.3.3).
    std::string stream_header() const;

    struct Step {
        std::string send;                     // bytes to write, may be empty
        bool start_tls = false;               // after writing: TLS handshake, then a new stream
        std::optional<LoginOutcome> outcome;  // the check is over
        std::string detail;                   // for the log: why (never the password)
    };
    Step on_stream_header(const xmpp::StreamHeader& header);
    Step on_stanza(const xmpp::XmlElement& stanza);
    // The stream closed or failed before an outcome.
    Step on_stream_end(std::string why);

    // TLS is up (xmpp_login.cpp calls this before sending the new stream header).
    void tls_started();

  private:
    enum class Phase { features, proceed, tls_features, challenge, final_answer, done };
    Step end(LoginOutcome outcome, std::string why);  // the outcome; wipes the secrets
    Step on_features(const xmpp::XmlElement& features);
    Step on_sasl(const xmpp::XmlElement& stanza);

    std::string local_;
    std::string domain_;
    std::string password_;
    std::string nonce_;
    Phase phase_ = Phase::features;
    std::unique_ptr<ScramClient> scram_;
    std::string_view mechanism_;  // for the log
    bool server_verified_ = false;
};

}  // namespace cusax::provisioning
