#pragma once
// What one user is told about their two accounts (RFC 7081 §2), from their binding and the
// operator's settings: the SIP account, the XMPP account, what to switch off on each side, and
// the relation between the two (RFC 7081 §6, server strategy 5). It never holds a password:
// the formats (profile_json.hpp, linphone_xml.hpp) say where the password comes from.
#include <cstdint>
#include <string>
#include <vector>

#include "provisioning/provisioning_settings.hpp"
#include "shared/store/binding_view.hpp"

namespace cusax::provisioning {

struct Profile {
    // SIP account
    std::string aor;             // sip:alice@sip.example.com (or sips:)
    std::string sip_domain;      // sip.example.com: the AOR's host, the realm clients use
    std::string registrar;       // sip:sip.example.com
    std::string outbound_proxy;  // empty: none
    SipTransport transport = SipTransport::tls;
    std::string auth_user;  // the AOR's user part
    SipPassword sip_password = SipPassword::separate;
    std::vector<std::string> sip_switch_off;
    // XMPP account
    std::string jid;
    std::string xmpp_host;
    std::uint16_t xmpp_port = 5222;
    std::vector<std::string> xmpp_switch_off;
    // Both
    std::string display_name;  // may be empty
    store::Verification verification = store::Verification::Unverified;
};

Profile make_profile(const store::BindingView& binding, const SipAnnounce& sip,
                     const XmppAnnounce& xmpp);

std::string_view to_string(SipTransport transport);

}  // namespace cusax::provisioning
