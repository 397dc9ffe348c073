// RFC 3261 §16.3: what is checked once, before any policy step (as repro's Proxy.cxx does),
// and §11: OPTIONS asked of the proxy itself.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/options_for_proxy.hpp"
#include "sip-proxy/request_checks.hpp"
#include "sip-proxy/sent_by.hpp"
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
        // §17.1.1.3: an ACK gets no response; one that may go no further ends here.
        if (ctx.method == sip_method_ack) {
            log::event(log::Level::info, "sip.dropped", "ACK not forwarded",
                       {{"call_id", ctx.call_id}, {"reason", rejection->phrase}});
            return StepResult::dropped;
        }
        log::event(log::Level::info, "sip.rejected", rejection->phrase,
                   {{"call_id", ctx.call_id}, {"status", std::to_string(rejection->status)}});
        return parts.wire.reply(ctx, rejection->status, rejection->phrase.c_str(),
                                rejection->warning, rejection->unsupported);
    }

    // After the checks: an OPTIONS with Max-Forwards 0 keeps its 483, though §16.3 item 3
    // would let the proxy answer it as the final recipient; the 483 of each hop is what a SIP
    // traceroute (sipsak -T) reads.
    if (is_options_for_this_proxy(ctx.sip, parts.sent_by)) {
        log::event(log::Level::debug, "sip.options_answered", "OPTIONS for this proxy answered",
                   {{"call_id", ctx.call_id}});
        return parts.wire.reply(ctx, SIP_200_OK, {}, {}, kOptionsAnswerHeaders);
    }

    ctx.branch = compute_branch(ctx.sip);
    if (is_loop(ctx.sip, parts.sent_by, ctx.branch)) {
        log::event(log::Level::info, "sip.loop", "loop detected", {{"call_id", ctx.call_id}});
        return parts.wire.reply(ctx, SIP_482_LOOP_DETECTED);
    }
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
