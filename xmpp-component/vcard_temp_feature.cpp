#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/directory_features.hpp"

namespace cusax::xmpp {

namespace {

constexpr Claim kClaims[] = {
    {"iq", "vCard", ns::vcard_temp, To::domain_or_account},
    // The older XEP-0292 form, an iq to the account (the PEP form: reach_feature.cpp).
    {"iq", "vcard", ns::vcard4, To::account},
};

XmlElement service_vcard(const DirectorySettings& settings) {
    XmlElement vcard("vCard", std::string(ns::vcard_temp));
    vcard.add_text_child("FN", settings.service_name);
    return vcard;
}

}  // namespace

VcardTempFeature::VcardTempFeature() {
    share_.domain_features = {ns::vcard_temp};
    share_.account_features = {ns::vcard_temp};
}

std::span<const Claim> VcardTempFeature::claims() const { return kClaims; }

bool VcardTempFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    const XmlElement& q = c.stanza.children.front();
    const bool get = c.stanza.attr_or("type") == "get";
    const bool vcard4 = q.xmlns == ns::vcard4;
    out.kind = vcard4 ? "vcard4" : "vcard-temp";
    out.query = vcard4 ? QueryKind::vcard4 : QueryKind::vcard;
    if (!get) {
        out.refuse(c.stanza, "not-allowed", "cancel", "this directory is read-only");
    } else if (vcard4) {
        out.result(c.stanza, build_vcard4(*c.target.binding));
    } else {
        out.result(c.stanza, c.target.binding ? build_vcard_temp(*c.target.binding)
                                              : service_vcard(c.settings));
    }
    return true;
}

}  // namespace cusax::xmpp
