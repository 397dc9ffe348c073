#include "xmpp-component/directory_policy.hpp"

#include <algorithm>

#include "shared/address/sip_address.hpp"
#include "shared/text/ascii_case.hpp"
#include "shared/text/trim.hpp"
#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {

enum class Target { Domain, Account, UnknownAccount, Elsewhere };

struct Request {
    const XmlElement& stanza;
    const AccountIndex& accounts;
    const DirectorySettings& settings;
    TokenBucketLimiter& limiter;
    TokenBucketLimiter::Clock::time_point now;
    HandlerOutcome& out;
    Target target = Target::Elsewhere;
    const store::BindingView* binding = nullptr;
    std::string target_jid;  // bare, as addressed

    void send(XmlElement reply) { out.replies.push_back(std::move(reply)); }
    void fail(std::string_view condition, std::string_view type, std::string_view text = {}) {
        out.error = condition;
        send(make_error_reply(stanza, condition, type, text));
    }
    XmlElement result_with(XmlElement payload) const {
        XmlElement reply = make_iq_result(stanza);
        reply.add(std::move(payload));
        return reply;
    }
    std::string requester_bare() const { return bare_jid(stanza.attr_or("from")); }
    bool requester_is_local() const {
        const std::string domain = text::ascii_lower(split_jid(stanza.attr_or("from")).domain);
        const auto& allowed = settings.local_domains;
        return std::find(allowed.begin(), allowed.end(), domain) != allowed.end();
    }
};

void resolve_target(Request& r) {
    const JidParts to = split_jid(r.stanza.attr_or("to"));
    if (text::ascii_lower(to.domain) != r.settings.domain) {
        r.target = Target::Elsewhere;
        return;
    }
    if (to.local.empty()) {
        r.target = Target::Domain;
        r.target_jid = r.settings.domain;
        return;
    }
    r.target_jid = std::string(to.local) + "@" + r.settings.domain;
    r.binding = r.accounts.find(r.target_jid);
    r.target = r.binding ? Target::Account : Target::UnknownAccount;
    if (r.binding) r.out.aor = r.binding->aor;
}

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

// ---- disco (XEP-0030) ----

XmlElement identity(std::string_view category, std::string_view type, std::string_view name) {
    XmlElement i("identity", std::string(ns::disco_info));
    i.set_attr("category", category).set_attr("type", type);
    if (!name.empty()) i.set_attr("name", name);
    return i;
}

void add_features(XmlElement& query, std::initializer_list<std::string_view> features) {
    for (auto f : features) query.add("feature", std::string(ns::disco_info)).set_attr("var", f);
}

void disco_info(Request& r, const XmlElement& q) {
    XmlElement query("query", std::string(ns::disco_info));
    const std::string_view node = q.attr_or("node");
    if (!node.empty()) query.set_attr("node", node);
    if (r.target == Target::Domain) {
        if (!node.empty()) {
            // XEP-0355 §6 disco nesting: what the server adds to its own disco (main: "::",
            // nothing) and to its users' bare JIDs (":bare:", vcard-temp) for what it delegates.
            for (auto prefix : {ns::delegation2, ns::delegation1}) {
                if (node == std::string(prefix) + "::" + std::string(ns::vcard_temp)) {
                    // ejabberd's mod_delegation (:1) takes a result to this probe as the
                    // component's acceptance of vcard-temp addressed to the server domain
                    // itself (its own vCard) too, which the component cannot answer: declined,
                    // so ejabberd keeps its own (an error leaves that half undelegated).
                    if (prefix == ns::delegation1) return r.fail("item-not-found", "cancel");
                    return r.send(r.result_with(std::move(query)));
                }
                if (node == std::string(prefix) + ":bare:" + std::string(ns::vcard_temp)) {
                    add_features(query, {ns::vcard_temp});
                    return r.send(r.result_with(std::move(query)));
                }
            }
            return r.fail("item-not-found", "cancel");
        }
        query.add(identity("directory", "user", r.settings.service_name));
        add_features(query,
                     {ns::disco_info, ns::disco_items, ns::search, ns::ping, ns::vcard_temp});
    } else if (node.empty()) {
        query.add(identity("account", "registered", display_name_of(*r.binding)));
        query.add(identity("pubsub", "pep", {}));
        add_features(query, {ns::disco_info, ns::disco_items, ns::ping, ns::vcard_temp,
                             ns::vcard4_node, ns::reach, ns::pubsub, ns::pubsub_retrieve_items});
    } else if (node == ns::vcard4_node || node == ns::reach) {
        query.add(identity("pubsub", "leaf", {}));
        add_features(query, {ns::disco_info, ns::pubsub});
    } else {
        return r.fail("item-not-found", "cancel");
    }
    r.send(r.result_with(std::move(query)));
}

void disco_items(Request& r, const XmlElement& q) {
    XmlElement query("query", std::string(ns::disco_items));
    const std::string_view node = q.attr_or("node");
    if (!node.empty()) {
        if (r.target == Target::Account && (node == ns::vcard4_node || node == ns::reach)) {
            query.set_attr("node", node);
            XmlElement& item = query.add("item", std::string(ns::disco_items));
            item.set_attr("jid", r.target_jid).set_attr("name", "current");
            return r.send(r.result_with(std::move(query)));
        }
        return r.fail("item-not-found", "cancel");
    }
    if (r.target == Target::Account) {
        for (auto n : {ns::vcard4_node, ns::reach}) {
            query.add("item", std::string(ns::disco_items))
                .set_attr("jid", r.target_jid)
                .set_attr("node", n);
        }
        return r.send(r.result_with(std::move(query)));
    }
    // The domain: its accounts, to local users only, within the listing limit (a directory
    // that anyone can walk is a harvesting target).
    if (r.settings.list_accounts && r.requester_is_local()) {
        if (!r.limiter.allow(r.requester_bare(), r.now)) {
            return r.fail("resource-constraint", "wait", "too many requests; try again later");
        }
        std::size_t listed = 0;
        for (const auto& entry : r.accounts.accounts()) {
            if (listed++ == r.settings.max_listed_accounts) break;
            query.add("item", std::string(ns::disco_items))
                .set_attr("jid", entry.jid)
                .set_attr("name", display_name_of(*entry.binding));
        }
    }
    r.send(r.result_with(std::move(query)));
}

// ---- search (XEP-0055 with XEP-0004) ----

void search_form(Request& r) {
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
    r.send(r.result_with(std::move(query)));
}

void search_submit(Request& r, const XmlElement& q) {
    const XmlElement* x = q.child("x", ns::data_forms);
    if (!x || x->attr_or("type") != "submit") {
        return r.fail("bad-request", "modify", "submit the jabber:iq:search data form");
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
        return r.fail("bad-request", "modify", "fill in a SIP address or a phone number");
    }
    std::vector<const store::BindingView*> found;
    const store::Snapshot& snapshot = r.accounts.snapshot();
    if (!sip.empty()) {
        // "alice@sip.example.com" as typed: a SIP address without its scheme.
        if (sip.find(':') == std::string::npos) sip = "sip:" + sip;
        auto key = address::parse_sip_address(sip);
        if (!key) return r.fail("bad-request", "modify", "sip: " + key.error);
        found.push_back(key.value->kind == address::AddressKey::Kind::Aor
                            ? snapshot.by_aor(key.value->value)
                            : snapshot.by_number(key.value->value));
    }
    if (!number.empty()) {
        auto n = address::normalise_number(number);
        if (!n) return r.fail("bad-request", "modify", "number: " + n.error);
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
        item.add(field_value("jid", r.accounts.account_jid(*b)));
        item.add(field_value("sip", b->aor));
        item.add(field_value("name", display_name_of(*b)));
        // RFC 7081 §3.5: only a verified binding may tie the caller to a JID.
        if (store::is_verified(b->verification)) item.add(field_value("xmpp", b->jid));
        if (r.out.aor.empty()) r.out.aor = b->aor;
    }
    r.send(r.result_with(std::move(query)));
}

void search(Request& r, const XmlElement& q, bool is_get) {
    r.out.kind = "search";
    r.out.query = QueryKind::search;
    if (r.target != Target::Domain) return r.fail("service-unavailable", "cancel");
    if (!r.requester_is_local()) {
        return r.fail("forbidden", "auth", "search is open to users of this service only");
    }
    if (is_get) return search_form(r);
    if (!r.limiter.allow(r.requester_bare(), r.now)) {
        return r.fail("resource-constraint", "wait", "too many searches; try again later");
    }
    search_submit(r, q);
}

// ---- vCards and PEP ----

XmlElement service_vcard(const DirectorySettings& settings) {
    XmlElement vcard("vCard", std::string(ns::vcard_temp));
    vcard.add_text_child("FN", settings.service_name);
    return vcard;
}

void pubsub_get(Request& r, const XmlElement& q) {
    const XmlElement* items = q.child("items", ns::pubsub);
    if (!items || q.children.size() != 1) {
        r.out.kind = "pubsub";
        r.out.query = QueryKind::other;
        XmlElement reply = make_error_reply(r.stanza, "feature-not-implemented", "cancel");
        reply.child("error")
            ->add("unsupported", std::string(ns::pubsub_errors))
            .set_attr("feature", "retrieve-subscriptions");
        r.out.error = "feature-not-implemented";
        return r.send(std::move(reply));
    }
    const std::string_view node = items->attr_or("node");
    XmlElement payload;
    if (node == ns::vcard4_node) {
        r.out.kind = "vcard4";
        r.out.query = QueryKind::vcard4;
        payload = build_vcard4(*r.binding);
    } else if (node == ns::reach) {
        r.out.kind = "reach";
        r.out.query = QueryKind::reach;
        payload = build_reach(*r.binding);
    } else {
        r.out.kind = "pubsub";
        r.out.query = QueryKind::other;
        return r.fail("item-not-found", "cancel");
    }
    XmlElement pubsub("pubsub", std::string(ns::pubsub));
    XmlElement& out_items = pubsub.add("items", std::string(ns::pubsub));
    out_items.set_attr("node", node);
    XmlElement& item = out_items.add("item", std::string(ns::pubsub));
    item.set_attr("id", "current");
    item.add(std::move(payload));
    r.send(r.result_with(std::move(pubsub)));
}

void handle_iq(Request& r) {
    const std::string_view type = r.stanza.attr_or("type");
    if (type == "result" || type == "error") {
        // RFC 6120 §8.3.1: never answer a response.
        r.out.kind = "iq-response";
        r.out.routine = true;
        return;
    }
    r.out.kind = "iq";
    r.out.query = QueryKind::other;
    if ((type != "get" && type != "set") || r.stanza.children.size() != 1) {
        return r.fail("bad-request", "modify", "an iq get or set carries exactly one payload");
    }
    if (r.target == Target::Elsewhere) return r.fail("service-unavailable", "cancel");
    if (r.target == Target::UnknownAccount) {
        // RFC 6121 §8.5.1: an account that does not exist.
        r.out.kind = "unknown-account";
        r.out.query = QueryKind::unknown_account;
        return r.fail("service-unavailable", "cancel");
    }
    const bool get = type == "get";
    const XmlElement& q = r.stanza.children.front();
    const bool account = r.target == Target::Account;

    if (q.xmlns == ns::ping && q.name == "ping") {
        r.out.kind = "ping";
        r.out.query = QueryKind::ping;
        r.out.routine = true;
        return r.send(make_iq_result(r.stanza));
    }
    if (q.xmlns == ns::vcard_temp && q.name == "vCard") {
        r.out.kind = "vcard-temp";
        r.out.query = QueryKind::vcard;
        if (!get) return r.fail("not-allowed", "cancel", "this directory is read-only");
        return r.send(
            r.result_with(account ? build_vcard_temp(*r.binding) : service_vcard(r.settings)));
    }
    if (q.xmlns == ns::vcard4 && q.name == "vcard" && account) {
        r.out.kind = "vcard4";  // the older XEP-0292 form, an iq to the account
        r.out.query = QueryKind::vcard4;
        if (!get) return r.fail("not-allowed", "cancel", "this directory is read-only");
        return r.send(r.result_with(build_vcard4(*r.binding)));
    }
    if (q.xmlns == ns::pubsub && q.name == "pubsub" && account) {
        if (!get) {
            r.out.kind = "pubsub";
            r.out.query = QueryKind::other;
            return r.fail("not-allowed", "cancel", "this directory is read-only");
        }
        return pubsub_get(r, q);
    }
    if (q.xmlns == ns::disco_info && q.name == "query" && get) {
        r.out.kind = "disco#info";
        r.out.query = QueryKind::disco;
        return disco_info(r, q);
    }
    if (q.xmlns == ns::disco_items && q.name == "query" && get) {
        r.out.kind = "disco#items";
        r.out.query = QueryKind::disco;
        return disco_items(r, q);
    }
    if (q.xmlns == ns::search && q.name == "query") return search(r, q, get);
    r.out.kind = "unsupported";
    r.fail("service-unavailable", "cancel");
}

// ---- presence (RFC 6121 §3, §4.3; XEP-0152 §4) ----

XmlElement presence_from(const Request& r, std::string_view to, std::string_view type) {
    XmlElement p("presence", std::string(ns::component));
    p.set_attr("from", r.target_jid).set_attr("to", to);
    if (!type.empty()) p.set_attr("type", type);
    return p;
}

XmlElement reach_presence(const Request& r, std::string_view to) {
    XmlElement p = presence_from(r, to, {});
    p.add(build_reach(*r.binding));
    return p;
}

void handle_presence(Request& r) {
    r.out.kind = "presence";
    const std::string_view type = r.stanza.attr_or("type");
    if (r.target != Target::Account) {
        r.out.routine = true;  // presence to nobody is dropped (RFC 6121 §4.3.2, §3.1.3)
        return;
    }
    const std::string from(r.stanza.attr_or("from"));
    if (type == "probe") {
        r.out.kind = "probe";
        r.out.query = QueryKind::reach;
        return r.send(reach_presence(r, from));
    }
    if (type == "subscribe") {
        // A directory entry approves everyone: the same data is in its public vCard.
        r.out.kind = "subscribe";
        r.out.query = QueryKind::reach;
        const std::string bare = bare_jid(from);
        r.send(presence_from(r, bare, "subscribed"));
        return r.send(reach_presence(r, bare));
    }
    if (type == "unsubscribe") {
        r.out.kind = "unsubscribe";
        return r.send(presence_from(r, bare_jid(from), "unsubscribed"));
    }
    r.out.routine = true;  // available, unavailable, subscribed, unsubscribed, error
}

void handle_message(Request& r) {
    r.out.kind = "message";
    const std::string_view type = r.stanza.attr_or("type");
    if (type == "error" || type == "headline") {
        r.out.routine = true;  // RFC 6121 §8.5.2: headlines are dropped, errors never bounced
        return;
    }
    r.out.query = QueryKind::other;
    if (r.target == Target::Account) {
        return r.fail("service-unavailable", "cancel",
                      "this address is a SIP account: call " + std::string(r.binding->aor));
    }
    r.fail("service-unavailable", "cancel");
}

}  // namespace

std::string_view to_string(QueryKind kind) {
    switch (kind) {
        case QueryKind::none:
            return "none";
        case QueryKind::vcard:
            return "vcard";
        case QueryKind::vcard4:
            return "vcard4";
        case QueryKind::reach:
            return "reach";
        case QueryKind::disco:
            return "disco";
        case QueryKind::search:
            return "search";
        case QueryKind::ping:
            return "ping";
        case QueryKind::unknown_account:
            return "unknown_account";
        case QueryKind::other:
            return "other";
    }
    return "other";
}

HandlerOutcome handle_stanza(const XmlElement& stanza, const AccountIndex& accounts,
                             const DirectorySettings& settings, TokenBucketLimiter& limiter,
                             TokenBucketLimiter::Clock::time_point now) {
    HandlerOutcome out;
    Request r{stanza, accounts, settings, limiter, now, out, Target::Elsewhere, nullptr, {}};
    if (!stanza.attr("from")) {
        out.kind = "no-from";  // the server stamps every stanza; nobody to answer
        return out;
    }
    resolve_target(r);
    if (stanza.name == "iq") {
        handle_iq(r);
    } else if (stanza.name == "presence") {
        handle_presence(r);
    } else if (stanza.name == "message") {
        handle_message(r);
    } else {
        out.kind = "unknown-element";
    }
    return out;
}

}  // namespace cusax::xmpp
