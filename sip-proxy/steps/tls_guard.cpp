// RFC 7081 §7 (and RFC 3261 §26.2.2 for sips:): what arrived protected is never relayed in the
// clear. 403: the proxy could route it but refuses to by policy.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "sip-proxy/hop_transport.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

StepResult tls_guard(RequestContext& ctx, ChainParts& parts) {
    const bool secure_in =
        ctx.source.transport == SourceInfo::Transport::tls || ctx.target->url_type == url_sips;
    // The destination is the URI NTA sends by (a Route, the next hop, or the Request-URI
    // itself): what counts is the transport NTA takes from it, not its scheme
    // (hop_transport.hpp), so sips:...;transport=udp is in the clear.
    const HopTransport out = hop_transport(ctx.destination);
    if (!secure_in || is_secure(out)) return StepResult::next;
    log::event(log::Level::warn, "sip.tls_downgrade_refused",
               "request received over TLS or for sips: not relayed over an unencrypted hop",
               {{"call_id", ctx.call_id},
                {"peer", ctx.trust.peer},
                {"destination", url_text(ctx.destination)},
                {"transport", out.protocol.empty() ? std::string_view("any") : out.protocol}});
    parts.counters.tls_downgrade_refused.add();
    return parts.wire.reply(ctx, SIP_403_FORBIDDEN,
                            "Request received over TLS is not relayed over an unencrypted "
                            "transport");
}

}  // namespace cusax::sip_proxy::steps
