// RFC 7081 §5: classify the target of a new call (dial_plan.hpp), then allow, warn or block.
// A warning travels in our Via (charge_marker.hpp) and is added to the responses.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/sent_by.hpp"
#include "sip-proxy/steps/steps.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy::steps {

namespace {

struct ChargeTarget {
    RequestTarget target;
    TargetClass cls;
    // Logged: "request_uri" for the call's target, "strict_route" for a Route value without
    // ;lr (or the Request-URI a strict next hop got from one).
    std::string_view found_in = "request_uri";
};

// A URI a next hop can route a call by: a tel: number, or a sip:/sips: URI with a user part. A
// strict router's own address (host only, as RFC 2543 Record-Route URIs are) names no call: a
// call for bob through it is bob's, not one to the router's domain.
bool names_a_call(url_t const* url) {
    if (url->url_type == url_tel) return true;
    return (url->url_type == url_sip || url->url_type == url_sips) && url->url_user &&
           *url->url_user;
}

// The dial plan's class of one URI. The configured next hop is the SIP server, which routes a
// dial string at its host as its own (Kamailio's `myself`: any of its addresses and ports, a
// number to the gateway whether or not it says ;user=phone): that host is one of our domains.
ChargeTarget classified(url_t const* url, const RequestContext& ctx, const ChainParts& parts) {
    ChargeTarget classified{target_of(url), {}};
    classified.target.server_host =
        parts.next_hop && url->url_host && is_same_host(parts.next_hop->url_host, url->url_host);
    classified.cls =
        classify_target(classified.target, parts.settings.dial_plan, ctx.snapshot.get());
    return classified;
}

// The class the policy answers for. Normally the target's. But every Route value without ;lr
// becomes the Request-URI somewhere: a strict next hop (route.cpp) got it already, the target
// gone to the end of the Route set; a strict Route further down gets it from the hop before
// it, when that hop follows the Route set. A next hop that drops preloaded Routes on new calls
// then routes by that Request-URI, so a number put there by the caller is a target too. Of
// them all, the one the policy treats most strictly counts (on a tie, the target's). Without
// this a Route <sip:+49...;user=phone> would carry a call to the telephone network past
// `pstn_policy = block`. So even an emergency target (never blocked itself) with a blocked
// number in a strict Route is blocked: relayed, it would reach that number, not emergency
// services, wherever the Route set is dropped.
ChargeTarget charge_target(const RequestContext& ctx, ChainParts& parts) {
    const ChargePolicy& policy = parts.settings.charge_policy;
    ChargeTarget chosen = classified(ctx.target, ctx, parts);
    const auto consider = [&](url_t const* url) {
        if (!names_a_call(url)) return;
        ChargeTarget other = classified(url, ctx, parts);
        other.found_in = "strict_route";
        if (policy.action(other.cls) > policy.action(chosen.cls)) chosen = std::move(other);
    };
    if (ctx.strict_next_hop) consider(ctx.sip->sip_request->rq_url);
    for (sip_route_t const* r = ctx.sip->sip_route; r; r = r->r_next)
        if (!url_has_param_named(r->r_url, "lr")) consider(r->r_url);
    return chosen;
}

}  // namespace

StepResult charge_warning(RequestContext& ctx, ChainParts& parts) {
    if (!ctx.initial) return StepResult::next;
    const ChargePolicy& policy = parts.settings.charge_policy;
    if (ctx.method == sip_method_invite) {
        const ChargeTarget charged = charge_target(ctx, parts);
        const TargetClass cls = charged.cls;
        const ChargeAction action = policy.action(cls);
        if (action != ChargeAction::allow || cls == TargetClass::emergency)
            log::event(log::Level::info, "charge.classified", "call target classified",
                       {{"call_id", ctx.call_id},
                        {"target", charged.target.uri},
                        {"class", to_string(cls)},
                        {"action", to_string(action)},
                        {"found_in", charged.found_in}});
        if (action == ChargeAction::block) {
            parts.counters.charge_blocked.add();
            return parts.wire.reply(ctx, SIP_403_FORBIDDEN, policy.text(cls));
        }
        if (action == ChargeAction::warn) {
            parts.counters.charge_warned.add();
            ctx.warn_class = cls;
        }
    } else if (ctx.method == sip_method_cancel) {
        // RFC 3261 §9.1: a CANCEL's Via is its INVITE's. Stateless, the proxy rebuilds it: the
        // same Request-URI and Route set give the same class, so the CANCEL carries the
        // INVITE's marker and a UAS that builds its 487 from the CANCEL's Via still gets the
        // Warning back.
        const TargetClass cls = charge_target(ctx, parts).cls;
        if (policy.action(cls) == ChargeAction::warn) ctx.warn_class = cls;
    }
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
