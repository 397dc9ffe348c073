// RFC 3261 §16.3: what is checked once, before any policy step (as repro's Proxy.cxx does).
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/request_checks.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

namespace {

// The ACK to a final response we generated: §16.3 leaves us the UAS of that transaction.
bool acknowledges_our_answer(const RequestContext& ctx) {
    sip_t const* sip = ctx.sip;
    return ctx.method == sip_method_ack && sip->sip_to && sip->sip_to->a_tag &&
           std::string_view(sip->sip_to->a_tag).starts_with(kOwnToTagPrefix);
}

}  // namespace

StepResult front_door(RequestContext& ctx, ChainParts& parts) {
    if (acknowledges_our_answer(ctx)) {
        log::event(log::Level::debug, "sip.ack_absorbed", "ACK to our own response absorbed",
                   {{"call_id", ctx.call_id}});
        return StepResult::dropped;
    }

    if (auto rejection = check_request(ctx.sip)) {
        if (rejection->status == 400) parts.counters.messages_malformed.add();
        log::event(log::Level::info, "sip.rejected", rejection->phrase,
                   {{"call_id", ctx.call_id}, {"status", std::to_string(rejection->status)}});
        return parts.wire.reply(ctx, rejection->status, rejection->phrase.c_str(),
                                rejection->warning, rejection->unsupported);
    }

    ctx.branch = compute_branch(ctx.sip);
    if (is_loop(ctx.sip, parts.sent_by, ctx.branch)) {
        log::event(log::Level::info, "sip.loop", "loop detected", {{"call_id", ctx.call_id}});
        return parts.wire.reply(ctx, SIP_482_LOOP_DETECTED);
    }
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
