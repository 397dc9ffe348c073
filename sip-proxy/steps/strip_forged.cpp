// What the previous hop may not say, or what may not leave the trust domain.
#include "shared/log/log.hpp"
#include "sip-proxy/header_edits.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

StepResult strip_forged(RequestContext& ctx, ChainParts& parts) {
    msg_t* msg = ctx.msg.get();
    // RFC 7081 §3.5: an impp Call-Info is only believed when this proxy puts it there.
    if (int removed = remove_impp_call_info(msg, ctx.sip); removed > 0) {
        parts.counters.call_info_removed_forged.add(static_cast<std::uint64_t>(removed));
        log::event(log::Level::info, "call_info.removed", "forged Call-Info impp removed",
                   {{"call_id", ctx.call_id},
                    {"count", std::to_string(removed)},
                    {"peer", ctx.trust.peer}});
    }
    // RFC 3325 §5: P-Asserted-Identity from outside the trust domain is not passed on.
    if (!ctx.trust.trusted && remove_p_asserted_identity(msg, ctx.sip) > 0)
        log::event(log::Level::info, "pai.removed", "P-Asserted-Identity from untrusted hop",
                   {{"call_id", ctx.call_id}, {"peer", ctx.trust.peer}});
    // RFC 3325 §9.3: with Privacy: id the identity does not leave the trust domain.
    if (ctx.privacy.id && !ctx.next_hop_trusted) remove_p_asserted_identity(msg, ctx.sip);
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
