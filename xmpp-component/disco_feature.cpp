// XEP-0030 of the domain and its accounts: the identities, features and nodes are those the
// features of the handler list declare (FeatureHandler::disco), in list order.
#include "xmpp-component/contact_cards.hpp"
#include "xmpp-component/directory_features.hpp"

namespace cusax::xmpp {

namespace {

constexpr Claim kClaims[] = {
    {"iq", "query", ns::disco_info, To::domain_or_account, "get"},
    {"iq", "query", ns::disco_items, To::domain_or_account, "get"},
};

XmlElement identity(const DiscoIdentity& id) {
    XmlElement i("identity", std::string(ns::disco_info));
    i.set_attr("category", id.category).set_attr("type", id.type);
    if (!id.name.empty()) i.set_attr("name", id.name);
    return i;
}

void add_feature(XmlElement& query, std::string_view var) {
    query.add("feature", std::string(ns::disco_info)).set_attr("var", var);
}

// The node of that name some feature declares, nullptr when none.
template <class Nodes>
const DiscoNode* find_node(const StanzaContext& c, Nodes nodes, std::string_view name) {
    for (const FeatureHandler* h : c.handlers) {
        for (const DiscoNode& n : nodes(h->disco())) {
            if (n.node == name) return &n;
        }
    }
    return nullptr;
}

const std::vector<DiscoNode>& domain_nodes(const DiscoShare& s) { return s.domain_nodes; }
const std::vector<DiscoNode>& account_nodes(const DiscoShare& s) { return s.account_nodes; }

void info(const StanzaContext& c, HandlerOutcome& out) {
    XmlElement query("query", std::string(ns::disco_info));
    const std::string_view node = c.stanza.children.front().attr_or("node");
    const bool domain = c.target.kind == Target::Kind::domain;
    if (!node.empty()) {
        const DiscoNode* n = find_node(c, domain ? domain_nodes : account_nodes, node);
        if (!n) return out.refuse(c.stanza, "item-not-found", "cancel");
        query.set_attr("node", node);
        for (const auto& id : n->identities) query.add(identity(id));
        for (auto f : n->features) add_feature(query, f);
        return out.result(c.stanza, std::move(query));
    }
    if (domain) {
        query.add(identity({"directory", "user", c.settings.service_name}));
    } else {
        const std::string name = display_name_of(*c.target.binding);
        query.add(identity({"account", "registered", name}));
        for (const FeatureHandler* h : c.handlers) {
            for (const auto& id : h->disco().account_identities) query.add(identity(id));
        }
    }
    for (const FeatureHandler* h : c.handlers) {
        const DiscoShare& s = h->disco();
        for (auto f : domain ? s.domain_features : s.account_features) add_feature(query, f);
    }
    out.result(c.stanza, std::move(query));
}

void items(const StanzaContext& c, HandlerOutcome& out) {
    XmlElement query("query", std::string(ns::disco_items));
    const std::string_view node = c.stanza.children.front().attr_or("node");
    const bool account = c.target.kind == Target::Kind::account;
    if (!node.empty()) {
        if (!account || !find_node(c, account_nodes, node)) {
            return out.refuse(c.stanza, "item-not-found", "cancel");
        }
        query.set_attr("node", node);
        XmlElement& item = query.add("item", std::string(ns::disco_items));
        item.set_attr("jid", c.target.jid).set_attr("name", "current");
        return out.result(c.stanza, std::move(query));
    }
    if (account) {
        for (const FeatureHandler* h : c.handlers) {
            for (const DiscoNode& n : h->disco().account_nodes) {
                query.add("item", std::string(ns::disco_items))
                    .set_attr("jid", c.target.jid)
                    .set_attr("node", n.node);
            }
        }
        return out.result(c.stanza, std::move(query));
    }
    // The domain: its accounts, to local users only, within the listing limit and the
    // requester's rate (a directory that anyone can walk is a harvesting target).
    if (c.settings.list_accounts && c.requester_is_local()) {
        if (!c.limiter.allow(c.requester_bare(), c.now)) {
            return out.refuse(c.stanza, "resource-constraint", "wait",
                              "too many requests; try again later");
        }
        std::size_t listed = 0;
        for (const auto& entry : c.accounts.accounts()) {
            if (listed++ == c.settings.max_listed_accounts) break;
            query.add("item", std::string(ns::disco_items))
                .set_attr("jid", entry.jid)
                .set_attr("name", display_name_of(*entry.binding));
        }
    }
    out.result(c.stanza, std::move(query));
}

}  // namespace

DiscoFeature::DiscoFeature() {
    share_.domain_features = {ns::disco_info, ns::disco_items};
    share_.account_features = {ns::disco_info, ns::disco_items};
}

std::span<const Claim> DiscoFeature::claims() const { return kClaims; }

bool DiscoFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    out.query = QueryKind::disco;
    if (c.stanza.children.front().xmlns == ns::disco_info) {
        out.kind = "disco#info";
        info(c, out);
    } else {
        out.kind = "disco#items";
        items(c, out);
    }
    return true;
}

}  // namespace cusax::xmpp
