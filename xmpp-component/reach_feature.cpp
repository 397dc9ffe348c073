#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/directory_features.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {

constexpr Claim kClaims[] = {
    {"iq", "pubsub", ns::pubsub, To::account},
    {"presence", {}, {}, To::account},
};

void pubsub_get(const StanzaContext& c, HandlerOutcome& out, const XmlElement& q) {
    const XmlElement* items = q.child("items", ns::pubsub);
    if (!items || q.children.size() != 1) {
        out.kind = "pubsub";
        out.query = QueryKind::other;
        XmlElement reply = make_error_reply(c.stanza, "feature-not-implemented", "cancel");
        reply.child("error")
            ->add("unsupported", std::string(ns::pubsub_errors))
            .set_attr("feature", "retrieve-subscriptions");
        out.error = "feature-not-implemented";
        out.replies.push_back(std::move(reply));
        return;
    }
    const std::string_view node = items->attr_or("node");
    XmlElement payload;
    if (node == ns::vcard4_node) {
        out.kind = "vcard4";
        out.query = QueryKind::vcard4;
        payload = build_vcard4(*c.target.binding);
    } else if (node == ns::reach) {
        out.kind = "reach";
        out.query = QueryKind::reach;
        payload = build_reach(*c.target.binding);
    } else {
        out.kind = "pubsub";
        out.query = QueryKind::other;
        return out.refuse(c.stanza, "item-not-found", "cancel");
    }
    XmlElement pubsub("pubsub", std::string(ns::pubsub));
    XmlElement& out_items = pubsub.add("items", std::string(ns::pubsub));
    out_items.set_attr("node", node);
    XmlElement& item = out_items.add("item", std::string(ns::pubsub));
    item.set_attr("id", "current");
    item.add(std::move(payload));
    out.result(c.stanza, std::move(pubsub));
}

XmlElement presence_from(const StanzaContext& c, std::string_view to, std::string_view type) {
    XmlElement p("presence", std::string(ns::component));
    p.set_attr("from", c.target.jid).set_attr("to", to);
    if (!type.empty()) p.set_attr("type", type);
    return p;
}

XmlElement reach_presence(const StanzaContext& c, std::string_view to) {
    XmlElement p = presence_from(c, to, {});
    p.add(build_reach(*c.target.binding));
    return p;
}

void presence(const StanzaContext& c, HandlerOutcome& out) {
    const std::string_view type = c.stanza.attr_or("type");
    const std::string from(c.stanza.attr_or("from"));
    if (type == "probe") {
        out.kind = "probe";
        out.query = QueryKind::reach;
        out.replies.push_back(reach_presence(c, from));
    } else if (type == "subscribe") {
        // A directory entry approves everyone: the same data is in its public vCard.
        out.kind = "subscribe";
        out.query = QueryKind::reach;
        const std::string bare = bare_jid(from);
        out.replies.push_back(presence_from(c, bare, "subscribed"));
        out.replies.push_back(reach_presence(c, bare));
    } else if (type == "unsubscribe") {
        out.kind = "unsubscribe";
        out.replies.push_back(presence_from(c, bare_jid(from), "unsubscribed"));
    } else {
        out.routine = true;  // available, unavailable, subscribed, unsubscribed, error
    }
}

}  // namespace

ReachFeature::ReachFeature() {
    share_.account_features = {ns::vcard4_node, ns::reach, ns::pubsub, ns::pubsub_retrieve_items};
    share_.account_identities = {{"pubsub", "pep", {}}};
    for (auto node : {ns::vcard4_node, ns::reach}) {
        share_.account_nodes.push_back(
            {std::string(node), {{"pubsub", "leaf", {}}}, {ns::disco_info, ns::pubsub}});
    }
}

std::span<const Claim> ReachFeature::claims() const { return kClaims; }

bool ReachFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    if (c.stanza.name == "presence") {
        presence(c, out);
        return true;
    }
    if (c.stanza.attr_or("type") != "get") {
        out.kind = "pubsub";
        out.query = QueryKind::other;
        out.refuse(c.stanza, "not-allowed", "cancel", "this directory is read-only");
        return true;
    }
    pubsub_get(c, out, c.stanza.children.front());
    return true;
}

}  // namespace cusax::xmpp
