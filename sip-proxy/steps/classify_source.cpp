// Classify first, decide later (repro's IsTrustedNode): the source's trust is decided here,
// once, and every later step reads the verdict.
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

StepResult classify_source(RequestContext& ctx, ChainParts& parts) {
    ctx.source = parts.wire.source_of(ctx.msg.get());
    ctx.trust = parts.trusted.classify(ctx.source);
    ctx.identity = identity_of(ctx.sip, ctx.trust, parts.settings.identity_from_header);
    ctx.privacy = privacy_of(ctx.sip);
    ctx.snapshot = parts.snapshots ? parts.snapshots() : nullptr;
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
