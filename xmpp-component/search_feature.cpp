#include <algorithm>

#include "shared/address/sip_address.hpp"
#include "shared/text/trim.hpp"
#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/directory_features.hpp"

namespace cusax::xmpp {

namespace {

constexpr Claim kClaims[] = {{"iq", "query", ns::search, To::domain_or_account}};

XmlElement field(std::string_view var, std::string_view type, std::string_view label) {
    XmlElement f("field", std::string(ns::data_forms));
    if (!type.empty()) f.set_attr("type", type);
    f.set_attr("var", var);
    if (!label.empty()) f.set_attr("label", label);
    return f;
}

XmlElement field_value(std::string_view var, std::string_view value) {
    XmlElement f("field", std::string(ns::data_forms));
    f.set_attr("var", var);
    f.add_text_child("value", value);
    return f;
}

XmlElement form_type_field() {
    XmlElement f = field("FORM_TYPE", "hidden", {});
    f.add_text_child("value", ns::search);
    return f;
}

void search_form(const StanzaContext& c, HandlerOutcome& out) {
    const std::string_view instructions =
        "Enter a SIP address or a phone number to find the account it belongs to.";
    XmlElement query("query", std::string(ns::search));
    query.add_text_child("instructions", instructions);
    XmlElement& x = query.add("x", std::string(ns::data_forms));
    x.set_attr("type", "form");
    x.add_text_child("title", "Find a SIP caller");
    x.add_text_child("instructions", instructions);
    x.add(form_type_field());
    x.add(field("sip", "text-single", "SIP address"));
    x.add(field("number", "text-single", "Phone number"));
    out.result(c.stanza, std::move(query));
}

void search_submit(const StanzaContext& c, HandlerOutcome& out, const XmlElement& q) {
    const XmlElement* x = q.child("x", ns::data_forms);
    if (!x || x->attr_or("type") != "submit") {
        return out.refuse(c.stanza, "bad-request", "modify",
                          "submit the jabber:iq:search data form");
    }
    std::string sip, number;
    for (const auto& f : x->children) {
        if (f.name != "field") continue;
        const XmlElement* value = f.child("value", ns::data_forms);
        const std::string_view text =
            value ? cusax::text::trim_whitespace(value->text) : std::string_view{};
        if (f.attr_or("var") == "sip") sip = text;
        if (f.attr_or("var") == "number") number = text;
    }
    if (sip.empty() && number.empty()) {
        return out.refuse(c.stanza, "bad-request", "modify",
                          "fill in a SIP address or a phone number");
    }
    std::vector<const store::BindingView*> found;
    const store::Snapshot& snapshot = c.accounts.snapshot();
    if (!sip.empty()) {
        // "alice@sip.example.com" as typed: a SIP address without its scheme.
        if (sip.find(':') == std::string::npos) sip = "sip:" + sip;
        auto key = address::parse_sip_address(sip);
        if (!key) return out.refuse(c.stanza, "bad-request", "modify", "sip: " + key.error);
        found.push_back(key.value->kind == address::AddressKey::Kind::Aor
                            ? snapshot.by_aor(key.value->value)
                            : snapshot.by_number(key.value->value));
    }
    if (!number.empty()) {
        auto n = address::normalise_number(number);
        if (!n) return out.refuse(c.stanza, "bad-request", "modify", "number: " + n.error);
        found.push_back(snapshot.by_number(*n.value));
    }
    std::erase(found, nullptr);
    found.erase(std::unique(found.begin(), found.end()), found.end());

    XmlElement query("query", std::string(ns::search));
    XmlElement& result = query.add("x", std::string(ns::data_forms));
    result.set_attr("type", "result");
    result.add(form_type_field());
    XmlElement& reported = result.add("reported", std::string(ns::data_forms));
    reported.add(field("jid", "jid-single", "Account"));
    reported.add(field("sip", "text-single", "SIP address"));
    reported.add(field("name", "text-single", "Name"));
    reported.add(field("xmpp", "jid-single", "XMPP address (verified)"));
    for (const auto* b : found) {
        XmlElement& item = result.add("item", std::string(ns::data_forms));
        item.add(field_value("jid", c.accounts.account_jid(*b)));
        item.add(field_value("sip", b->aor));
        item.add(field_value("name", display_name_of(*b)));
        // RFC 7081 §3.5: only a verified binding may tie the caller to a JID.
        if (store::is_verified(b->verification)) item.add(field_value("xmpp", b->jid));
        if (out.aor.empty()) out.aor = b->aor;
    }
    out.result(c.stanza, std::move(query));
}

}  // namespace

SearchFeature::SearchFeature() { share_.domain_features = {ns::search}; }

std::span<const Claim> SearchFeature::claims() const { return kClaims; }

bool SearchFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    out.kind = "search";
    out.query = QueryKind::search;
    if (c.target.kind != Target::Kind::domain) {
        out.refuse(c.stanza, "service-unavailable", "cancel");
        return true;
    }
    if (!c.requester_is_local()) {
        out.refuse(c.stanza, "forbidden", "auth", "search is open to users of this service only");
        return true;
    }
    if (c.stanza.attr_or("type") == "get") {
        search_form(c, out);
        return true;
    }
    if (!c.limiter.allow(c.requester_bare(), c.now)) {
        out.refuse(c.stanza, "resource-constraint", "wait", "too many searches; try again later");
        return true;
    }
    search_submit(c, out, c.stanza.children.front());
    return true;
}

}  // namespace cusax::xmpp
