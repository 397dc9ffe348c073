#include "provisioning/profile_json.hpp"

#include <nlohmann/json.hpp>

namespace cusax::provisioning {

std::string profile_json(const Profile& p) {
    nlohmann::ordered_json sip{
        {"aor", p.aor}, {"domain", p.sip_domain}, {"registrar", p.registrar}};
    if (!p.outbound_proxy.empty()) sip["outbound_proxy"] = p.outbound_proxy;
    sip["transport"] = to_string(p.transport);
    sip["auth_user"] = p.auth_user;
    sip["password"] = p.sip_password == SipPassword::same ? "same-as-login" : "ask-user";
    sip["switch_off"] = p.sip_switch_off;

    // The password was checked by logging in to the XMPP server: it is the XMPP password.
    const nlohmann::ordered_json xmpp{{"jid", p.jid},
                                      {"host", p.xmpp_host},
                                      {"port", p.xmpp_port},
                                      {"password", "same-as-login"},
                                      {"switch_off", p.xmpp_switch_off}};
    // RFC 7081 §6, server strategy 5: the client is told which accounts belong together, and
    // how far the provider vouches for it.
    const nlohmann::ordered_json relation{{"aor", p.aor},
                                          {"jid", p.jid},
                                          {"verification", store::to_string(p.verification)},
                                          {"verified", store::is_verified(p.verification)}};
    nlohmann::ordered_json doc{{"cusax_profile", 1}};
    if (!p.display_name.empty()) doc["display_name"] = p.display_name;
    doc["sip"] = std::move(sip);
    doc["xmpp"] = xmpp;
    doc["relation"] = relation;
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace cusax::provisioning
