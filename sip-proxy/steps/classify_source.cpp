// Classify first, decide later (repro's IsTrustedNode): the source's trust is decided here,
// once, and every later step reads the verdict. What the request says is read here too,
// including the lines Sofia could not parse (unparsed_header_policy.hpp): a line the proxy
// needs is answered, a line a policy reads fails closed, and none goes unnoticed.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"
#include "sip-proxy/unparsed_headers.hpp"

namespace cusax::sip_proxy::steps {

namespace {

log::RateLimitedLog& unparsed_log() {
    static log::RateLimitedLog unparsed("sip.unparsed", 20, 60);
    return unparsed;
}

}  // namespace

StepResult classify_source(RequestContext& ctx, ChainParts& parts) {
    const std::vector<UnparsedHeader> unparsed = unparsed_headers(ctx.msg.get(), ctx.sip);
    for (const UnparsedHeader& h : unparsed)
        unparsed_log().event(
            log::Level::info, "sip.unparsed_header", "header line not parsable",
            {{"call_id", ctx.call_id}, {"header", h.name}, {"action", to_string(h.action)}});
    if (UnparsedHeader const* bad = first_rejecting(unparsed)) {
        parts.counters.messages_malformed.add();
        if (bad->action == UnparsedAction::reject_420)
            return parts.wire.reply(ctx, SIP_420_BAD_EXTENSION);
        // RFC 3261 §21.4.1: the reason phrase names the syntax problem.
        const std::string phrase = "Bad " + bad->name + " Header";
        return parts.wire.reply(ctx, 400, phrase.c_str());
    }

    // RFC 3261 §16.6 item 1: what the proxy does not read goes on as it came.
    relay_unparsed_as_written(ctx.msg.get(), ctx.sip);

    ctx.source = parts.wire.source_of(ctx.msg.get());
    ctx.trust = parts.trusted.classify(ctx.source);
    if (any_with(unparsed, UnparsedAction::no_identity)) {
        // Sofia does not send the line on; removed here so that nothing later can.
        remove_unparsed(ctx.msg.get(), ctx.sip, "P-Asserted-Identity");
        ctx.identity.source = "p-asserted-identity";
        ctx.identity.refused = "a P-Asserted-Identity line is not parsable";
    } else {
        ctx.identity = identity_of(ctx.sip, ctx.trust, parts.settings.identity_from_header);
    }
    if (!ctx.identity.refused.empty())
        log::event(log::Level::info, "pai.refused", ctx.identity.refused,
                   {{"call_id", ctx.call_id}, {"peer", ctx.trust.peer}});
    ctx.privacy = privacy_of(ctx.sip);
    if (any_with(unparsed, UnparsedAction::assume_privacy))
        ctx.privacy.id = ctx.privacy.header = ctx.privacy.user = true;
    ctx.snapshot = parts.snapshots ? parts.snapshots() : nullptr;
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
