#include "xmpp-component/delegation_feature.hpp"

#include "shared/log/log.hpp"
#include "xmpp-component/stanza_reply.hpp"
#include "xmpp-component/vcard_delegation.hpp"

namespace cusax::xmpp {

namespace {

constexpr Claim kClaims[] = {
    {"iq", "delegation", ns::delegation2, To::server_link},
    {"iq", "delegation", ns::delegation1, To::server_link},
    {"message", "delegation", ns::delegation2, To::server_link},
    {"message", "delegation", ns::delegation1, To::server_link},
};

// XEP-0355 §6 disco nesting: what the server adds to its own disco (main: "::", nothing) and to
// its users' bare JIDs (":bare:", vcard-temp) for what it delegates. ejabberd's mod_delegation
// (:1) takes a result to its "::" probe as the component's acceptance of vcard-temp addressed
// to the server domain itself (its own vCard) too, which the component cannot answer: that
// node is not declared, so the probe is item-not-found and ejabberd keeps its own vCard (an
// error leaves that half undelegated).
DiscoShare delegation_nodes() {
    DiscoShare s;
    const std::string vcard_temp(ns::vcard_temp);
    s.domain_nodes.push_back({std::string(ns::delegation2) + "::" + vcard_temp, {}, {}});
    for (auto prefix : {ns::delegation2, ns::delegation1}) {
        s.domain_nodes.push_back(
            {std::string(prefix) + ":bare:" + vcard_temp, {}, {ns::vcard_temp}});
    }
    return s;
}

bool advertisement(const StanzaContext& c) {
    const auto advertised = delegation_advertisement(c.stanza, c.settings.trusted_servers);
    if (advertised.empty()) return false;
    std::string list;
    for (const auto& n : advertised) list += (list.empty() ? "" : ",") + n;
    log::event(log::Level::info, "xmpp.delegation_advertised", "",
               {{"peer", c.stanza.attr_or("from")}, {"namespaces", list}});
    return true;
}

// RFC 6120 §8.2.3: a delegation wrapper that is not acted upon is still answered. From anyone
// but the server it is forbidden (only the server may hand the component its users' stanzas:
// XEP-0355 §5); from the server but not one forwarded iq request, bad-request.
bool refuse(const StanzaContext& c, const DelegatedRequest& request, HandlerOutcome& out) {
    const bool untrusted = request.status == DelegatedRequest::Status::untrusted;
    out.kind = "delegation";
    out.query = QueryKind::other;
    if (untrusted) {
        out.refuse(c.stanza, "forbidden", "auth", "delegated stanzas come from the server only");
    } else {
        out.refuse(c.stanza, "bad-request", "modify",
                   "a delegation carries one forwarded iq get or set");
    }
    log::event(log::Level::warn, "xmpp.delegation_refused",
               untrusted ? "not from the server" : "malformed",
               {{"stanza_id", c.stanza.attr_or("id")},
                {"peer", c.stanza.attr_or("from")},
                {"error", out.error}});
    return true;
}

}  // namespace

DelegationFeature::DelegationFeature(std::shared_ptr<VcardStore> vcards,
                                     std::shared_ptr<store::BindingStore> bindings)
    : share_(delegation_nodes()), vcards_(std::move(vcards)), bindings_(std::move(bindings)) {}

std::span<const Claim> DelegationFeature::claims() const { return kClaims; }

bool DelegationFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    // A message that advertises nothing (or not from the server) is an ordinary message, and
    // an iq response is no request of anyone's (RFC 6120 §8.3.1: never answered).
    if (c.stanza.name == "message" && !advertisement(c)) return false;
    if (c.stanza.name == "iq" && !is_iq_request(c.stanza)) return false;
    out.logged = true;
    if (c.stanza.name == "message") return true;
    const DelegatedRequest request = unwrap_delegation(c.stanza, c.settings.trusted_servers);
    if (request.status != DelegatedRequest::Status::ok) return refuse(c, request, out);
    const XmlElement& inner = *request.inner;
    const std::string owner = delegated_vcard_owner(inner);
    const store::BindingView* binding = c.accounts.snapshot().by_jid(owner);
    std::optional<StoredVcard> stored;
    std::vector<std::string> shown;
    DelegatedVcardOutcome outcome;
    try {
        if (vcards_) {
            stored = vcards_->get(owner);
            shown = vcards_->shown(owner);
        }
        outcome =
            handle_delegated_vcard(inner, request.server, binding, stored ? &*stored : nullptr,
                                   shown, c.settings.vcard_guard, vcards_ != nullptr);
        // Remembered before the get is answered: a value shown and not remembered would count
        // as the user's word when their client sends it back (vcard_delegation.hpp).
        if (vcards_ && !outcome.newly_shown.empty()) {
            vcards_->remember_shown(owner, outcome.newly_shown);
        }
        if (outcome.store) vcards_->put(owner, *outcome.store, outcome.still_shown);
        if (outcome.unlisted) drop_mutual(*binding, inner);
    } catch (const std::exception& e) {
        log::event(log::Level::error, "xmpp.vcard_store_failed", e.what(), {{"jid", owner}});
        outcome.reply = make_error_reply(inner, "internal-server-error", "wait");
        outcome.error = "internal-server-error";
    }
    out.query = QueryKind::vcard;
    out.kind = outcome.kind;
    out.error = outcome.error;
    log::event(log::Level::info, "xmpp.delegated", outcome.error.empty() ? "answered" : "refused",
               {{"kind", outcome.kind},
                {"stanza_id", inner.attr_or("id")},
                {"peer", inner.attr_or("from")},
                {"jid", owner},
                {"aor", binding ? std::string_view(binding->aor) : std::string_view()},
                {"error", outcome.error},
                {"detail", outcome.detail}});
    out.replies.push_back(
        wrap_delegated_reply(c.stanza, request.delegation_ns, std::move(outcome.reply)));
    return true;
}

void DelegationFeature::drop_mutual(const store::BindingView& binding, const XmlElement& inner) {
    // Asked of the store, not of the snapshot, which may be a moment older than a
    // `cusaxctl verify --mutual` that just ran; the watcher then brings the new state to every
    // daemon. Only a mutual binding changes: other states are not the user's to withdraw.
    if (!bindings_) return;
    if (bindings_->replace_verification(std::string(binding.aor), store::Verification::Mutual,
                                        store::Verification::Unverified)) {
        log::event(
            log::Level::info, "xmpp.mutual_dropped",
            "the owner's vCard no longer lists the bound SIP address: now unverified",
            {{"stanza_id", inner.attr_or("id")}, {"jid", binding.jid}, {"aor", binding.aor}});
    }
}

}  // namespace cusax::xmpp
