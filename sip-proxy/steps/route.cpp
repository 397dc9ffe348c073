// Where the request goes: RFC 3261 §16.4 (the Route set as it reaches us) and §16.6 items 6
// and 7 (the next hop). Only the Request-URI and Route headers are edited here.
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>

#include <stdexcept>

#include "shared/log/log.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"
#include "sip-proxy/strict_routing.hpp"

namespace cusax::sip_proxy::steps {

StepResult route(RequestContext& ctx, ChainParts& parts) {
    msg_t* msg = ctx.msg.get();
    sip_t* sip = ctx.sip;
    const auto& ours = parts.sent_by;

    // §16.4: a strict router before us put our Record-Route URI into the Request-URI and the
    // real target last in the Route set; put it back before anything reads the target.
    if (restore_request_uri_from_strict_router(
            msg, sip, [&ours](url_t const* u) { return is_own_uri(ours, u); }))
        log::event(log::Level::debug, "sip.strict_route",
                   "Request-URI restored from the last Route (previous hop routes strictly)",
                   {{"call_id", ctx.call_id}, {"request_uri", url_text(sip->sip_request->rq_url)}});

    // §19.1.1: headers are not allowed in a Request-URI, and RFC 4475 §3.1.2.11 says a proxy
    // that accepts one must not forward them (nor turn them into header fields): dropped.
    if (url_t* uri = sip->sip_request->rq_url; uri->url_headers) {
        log::event(log::Level::info, "sip.ruri_headers_dropped",
                   "headers in the Request-URI not forwarded", {{"call_id", ctx.call_id}});
        uri->url_headers = nullptr;
        sip_fragment_clear(sip->sip_request->rq_common);
    }

    // §16.4: a Route naming us has done its job.
    while (sip->sip_route && is_own_uri(ours, sip->sip_route->r_url)) sip_route_remove(msg, sip);

    // §16.6 item 6: a next Route without ;lr is a strict router: it gets the Request-URI (the
    // target goes last in the Route set) and the request is sent to it. Later steps read the
    // target, which this moves out of the Request-URI: keep a copy.
    ctx.target = url_hdup(msg_home(msg), sip->sip_request->rq_url);
    if (!ctx.target) throw std::runtime_error("out of memory copying the Request-URI");
    const bool strict_next_hop = prepare_for_strict_next_hop(msg, sip);
    ctx.strict_next_hop = strict_next_hop;

    // Where it goes: the next Route, else the configured next hop, else the Request-URI.
    url_t const* destination = strict_next_hop  ? sip->sip_request->rq_url
                               : sip->sip_route ? sip->sip_route->r_url
                                                : nullptr;
    const bool configured_hop = !destination && parts.next_hop;
    if (configured_hop) destination = parts.next_hop;
    ctx.by_request_uri = destination == nullptr && !strict_next_hop;
    if (!destination) destination = sip->sip_request->rq_url;
    ctx.destination = destination;
    ctx.next_hop_trusted = configured_hop ? parts.next_hop_trusted
                                          : (destination->url_host &&
                                             parts.trusted.host_is_trusted(destination->url_host));
    return StepResult::next;
}

}  // namespace cusax::sip_proxy::steps
