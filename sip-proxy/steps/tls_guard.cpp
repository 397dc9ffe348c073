// RFC 7081 §7 (and RFC 3261 §26.2.2 for sips:): what arrived protected is never relayed in the
// clear. 403: the proxy could route it but refuses to by policy.
#include <sofia-sip/sip_status.h>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "sip-proxy/steps/steps.hpp"

namespace cusax::sip_proxy::steps {

namespace {

// A hop that is reached over TLS: a sips: URI or ;transport=tls.
bool url_is_secure(url_t const* url) {
    if (!url) return false;
    if (url->url_type == url_sips) return true;
    char transport[16];
    return url->url_params &&
           url_param(url->url_params, "transport", transport, sizeof transport) > 0 &&
           text::iequals(transport, "tls");
}

}  // namespace

StepResult tls_guard(RequestContext& ctx, ChainParts& parts) {
    const bool secure_in =
        ctx.source.transport == SourceInfo::Transport::tls || ctx.target->url_type == url_sips;
    // By the Request-URI, a sips: target is sent over TLS by NTA itself.
    const bool sips_by_request_uri =
        ctx.by_request_uri && ctx.sip->sip_request->rq_url->url_type == url_sips;
    if (!secure_in || url_is_secure(ctx.destination) || sips_by_request_uri)
        return StepResult::next;
    log::event(log::Level::warn, "sip.tls_downgrade_refused",
               "request received over TLS or for sips: not relayed over an unencrypted hop",
               {{"call_id", ctx.call_id}, {"peer", ctx.trust.peer}});
    parts.counters.tls_downgrade_refused.add();
    return parts.wire.reply(ctx, SIP_403_FORBIDDEN,
                            "Request received over TLS is not relayed over an unencrypted "
                            "transport");
}

}  // namespace cusax::sip_proxy::steps
