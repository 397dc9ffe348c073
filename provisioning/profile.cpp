#include "provisioning/profile.hpp"

namespace cusax::provisioning {

std::string_view to_string(SipTransport transport) {
    switch (transport) {
        case SipTransport::udp:
            return "udp";
        case SipTransport::tcp:
            return "tcp";
        case SipTransport::tls:
            return "tls";
    }
    return "tls";
}

Profile make_profile(const store::BindingView& binding, const SipAnnounce& sip,
                     const XmppAnnounce& xmpp) {
    Profile p;
    // A stored AOR is normalised (shared/address): "sip:" or "sips:", a user, "@", the host,
    // no port and no parameters.
    p.aor = std::string(binding.aor);
    const auto colon = p.aor.find(':');
    const auto at = p.aor.rfind('@');
    const std::string scheme = p.aor.substr(0, colon);
    p.auth_user = at == std::string::npos ? "" : p.aor.substr(colon + 1, at - colon - 1);
    p.sip_domain = p.aor.substr(at == std::string::npos ? colon + 1 : at + 1);
    p.registrar = sip.registrar.empty() ? scheme + ":" + p.sip_domain : sip.registrar;
    p.outbound_proxy = sip.outbound_proxy;
    p.transport = sip.transport;
    p.sip_password = sip.password;
    p.sip_switch_off = sip.switch_off;

    p.jid = std::string(binding.jid);
    p.xmpp_host = xmpp.host.empty() ? p.jid.substr(p.jid.find('@') + 1) : xmpp.host;
    p.xmpp_port = xmpp.port;
    p.xmpp_switch_off = xmpp.switch_off;

    p.display_name = std::string(binding.display_name);
    p.verification = binding.verification;
    return p;
}

}  // namespace cusax::provisioning
