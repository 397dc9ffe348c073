#include "xmpp-component/stanza_routing.hpp"

#include "shared/text/ascii_case.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {

Target resolve_target(const XmlElement& stanza, const AccountIndex& accounts,
                      const DirectorySettings& settings) {
    Target t;
    const JidParts to = split_jid(stanza.attr_or("to"));
    if (text::ascii_lower(to.domain) != settings.domain) return t;
    if (to.local.empty()) {
        t.kind = Target::Kind::domain;
        t.jid = settings.domain;
        return t;
    }
    t.jid = std::string(to.local) + "@" + settings.domain;
    t.binding = accounts.find(t.jid);
    t.kind = t.binding ? Target::Kind::account : Target::Kind::unknown_account;
    return t;
}

bool addressed(To to, Target::Kind kind) {
    switch (to) {
        case To::server_link:
            return false;
        case To::domain:
            return kind == Target::Kind::domain;
        case To::account:
            return kind == Target::Kind::account;
        case To::domain_or_account:
            return kind == Target::Kind::domain || kind == Target::Kind::account;
    }
    return false;
}

bool matches(const Claim& claim, const XmlElement& stanza) {
    if (claim.stanza != stanza.name) return false;
    if (!claim.iq_type.empty() && claim.iq_type != stanza.attr_or("type")) return false;
    return claim.payload.empty() || stanza.child(claim.payload, claim.xmlns) != nullptr;
}

// Asks, in list order, each feature with a claim on the stanza for this addressee; true once
// one has answered.
bool ask(std::span<FeatureHandler* const> handlers, bool server_link, const StanzaContext& c,
         HandlerOutcome& out) {
    for (FeatureHandler* h : handlers) {
        for (const Claim& claim : h->claims()) {
            const bool for_this =
                server_link ? claim.to == To::server_link : addressed(claim.to, c.target.kind);
            if (!for_this || !matches(claim, c.stanza)) continue;
            if (h->handle(c, out)) return true;
            break;  // declined: the next feature
        }
    }
    return false;
}

void iq_front_door_and_features(std::span<FeatureHandler* const> handlers, const StanzaContext& c,
                                HandlerOutcome& out) {
    const std::string_view type = c.stanza.attr_or("type");
    if (type == "result" || type == "error") {
        out.kind = "iq-response";
        out.routine = true;
        return;
    }
    out.kind = "iq";
    out.query = QueryKind::other;
    if ((type != "get" && type != "set") || c.stanza.children.size() != 1) {
        return out.refuse(c.stanza, "bad-request", "modify",
                          "an iq get or set carries exactly one payload");
    }
    if (c.target.kind == Target::Kind::elsewhere) {
        return out.refuse(c.stanza, "service-unavailable", "cancel");
    }
    if (c.target.kind == Target::Kind::unknown_account) {
        out.kind = "unknown-account";
        out.query = QueryKind::unknown_account;
        return out.refuse(c.stanza, "service-unavailable", "cancel");
    }
    if (ask(handlers, false, c, out)) return;
    out.kind = "unsupported";
    out.refuse(c.stanza, "service-unavailable", "cancel");
}

void unclaimed_message(const StanzaContext& c, HandlerOutcome& out) {
    out.kind = "message";
    const std::string_view type = c.stanza.attr_or("type");
    if (type == "error" || type == "headline") {
        out.routine = true;
        return;
    }
    out.query = QueryKind::other;
    if (c.target.kind == Target::Kind::account) {
        return out.refuse(
            c.stanza, "service-unavailable", "cancel",
            "this address is a SIP account: call " + std::string(c.target.binding->aor));
    }
    out.refuse(c.stanza, "service-unavailable", "cancel");
}

// Presence to an account the directory does not have. A probe or a subscription request gets
// `unsubscribed` from that address: RFC 6121 §4.3.2 for a probe to an account that does not
// exist, and for a request a refusal (§3.2), so the requester's server ends the pending
// subscription instead of keeping it forever. Anything else is ignored (RFC 6120 §10.5.3.1).
void presence_to_unknown_account(const StanzaContext& c, HandlerOutcome& out) {
    const std::string_view type = c.stanza.attr_or("type");
    if (c.target.kind != Target::Kind::unknown_account ||
        (type != "probe" && type != "subscribe")) {
        out.routine = true;
        return;
    }
    out.kind = type == "probe" ? "probe" : "subscribe";
    out.query = QueryKind::unknown_account;
    XmlElement p("presence", std::string(ns::component));
    p.set_attr("from", c.target.jid)
        .set_attr("to", bare_jid(c.stanza.attr_or("from")))
        .set_attr("type", "unsubscribed");
    out.replies.push_back(std::move(p));
}

void route(std::span<FeatureHandler* const> handlers, const StanzaContext& c, HandlerOutcome& out) {
    const XmlElement& stanza = c.stanza;
    if (ask(handlers, true, c, out)) return;
    if (!stanza.attr("from")) {
        out.kind = "no-from";
        // The server stamps `from` on whatever it routes (RFC 6120 §8.1.2.1), so a stanza
        // without one can only be the server's own; an iq request of it is answered all the
        // same, the reply (without `to`) going back to the server.
        if (is_iq_request(stanza)) {
            out.query = QueryKind::other;
            out.refuse(stanza, "bad-request", "modify", "a stanza without from");
        }
        return;
    }
    if (c.target.binding) out.aor = c.target.binding->aor;
    if (stanza.name == "iq") {
        iq_front_door_and_features(handlers, c, out);
    } else if (stanza.name == "presence") {
        out.kind = "presence";
        if (!ask(handlers, false, c, out)) presence_to_unknown_account(c, out);
    } else if (stanza.name == "message") {
        if (!ask(handlers, false, c, out)) unclaimed_message(c, out);
    } else {
        out.kind = "unknown-element";
    }
}

}  // namespace

HandlerOutcome route_stanza(std::span<FeatureHandler* const> handlers, const XmlElement& stanza,
                            const AccountIndex& accounts, const DirectorySettings& settings,
                            TokenBucketLimiter& limiter,
                            TokenBucketLimiter::Clock::time_point now) {
    HandlerOutcome out;
    const StanzaContext c{stanza,
                          accounts,
                          settings,
                          limiter,
                          now,
                          handlers,
                          resolve_target(stanza, accounts, settings)};
    route(handlers, c, out);
    // RFC 6120 §8.2.3: an iq get or set is always answered. Every path above answers one (now,
    // or later for a feature that defers); should a feature ever claim one and leave it
    // unanswered, the requester still gets an error, not a timeout.
    if (is_iq_request(stanza) && out.replies.empty() && !out.deferred) {
        out.refuse(stanza, "internal-server-error", "wait");
    }
    return out;
}

}  // namespace cusax::xmpp
