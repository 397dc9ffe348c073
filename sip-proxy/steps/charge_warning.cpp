// RFC 7081 §5: classify the target of a new call (dial_plan.hpp), then allow, warn or block.
// A warning travels in our Via (charge_marker.hpp) and is added to the responses.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

namespace {

struct ChargeTarget {
    RequestTarget target;
    TargetClass cls;
};

// A URI a next hop can route a call by: a tel: number, or a sip:/sips: URI with a user part. A
// strict router's own address (host only, as RFC 2543 Record-Route URIs are) names no call: a
// call for bob through it is bob's, not one to the router's domain.
bool names_a_call(url_t const* url) {
    if (url->url_type == url_tel) return true;
    return (url->url_type == url_sip || url->url_type == url_sips) && url->url_user &&
           *url->url_user;
}

// The class the policy answers for. Normally the target's. A strict next hop (route.cpp) got
// the Request-URI and the target went to the end of the Route set; a next hop that drops
// preloaded Routes on new calls then routes by that Request-URI, so a number put there by the
// caller is a target too: of the two, the one the policy treats more strictly counts (on a
// tie, the target's). Without this a Route <sip:+49...;user=phone> would carry a call to the
// telephone network past `pstn_policy = block`.
ChargeTarget charge_target(const RequestContext& ctx, ChainParts& parts) {
    const DialPlan& plan = parts.settings.dial_plan;
    const ChargePolicy& policy = parts.settings.charge_policy;
    ChargeTarget chosen{target_of(ctx.target), {}};
    chosen.cls = classify_target(chosen.target, plan, ctx.snapshot.get());
    if (url_t const* hop = ctx.sip->sip_request->rq_url; ctx.strict_next_hop && names_a_call(hop)) {
        ChargeTarget other{target_of(hop), {}};
        other.cls = classify_target(other.target, plan, ctx.snapshot.get());
        if (policy.action(other.cls) > policy.action(chosen.cls)) chosen = std::move(other);
    }
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
                        {"action", to_string(action)}});
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
