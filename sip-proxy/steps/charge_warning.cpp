// RFC 7081 §5: classify the target of a new call (dial_plan.hpp), then allow, warn or block.
// A warning travels in our Via (charge_marker.hpp) and is added to the responses.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

StepResult charge_warning(RequestContext& ctx, ChainParts& parts) {
    if (!ctx.initial) return StepResult::next;
    const ChargePolicy& policy = parts.settings.charge_policy;
    if (ctx.method == sip_method_invite) {
        const RequestTarget target = target_of(ctx.target);
        const TargetClass cls =
            classify_target(target, parts.settings.dial_plan, ctx.snapshot.get());
        const ChargeAction action = policy.action(cls);
        if (action != ChargeAction::allow || cls == TargetClass::emergency)
            log::event(log::Level::info, "charge.classified", "call target classified",
                       {{"call_id", ctx.call_id},
                        {"target", target.uri},
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
        // same Request-URI gives the same class, so the CANCEL carries the INVITE's marker and
        // a UAS that builds its 487 from the CANCEL's Via still gets the Warning back.
        const TargetClass cls =
            classify_target(target_of(ctx.target), parts.settings.dial_plan, ctx.snapshot.get());
        if (policy.action(cls) == ChargeAction::warn) ctx.warn_class = cls;
    }
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
