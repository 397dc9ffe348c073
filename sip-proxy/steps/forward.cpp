// RFC 3261 §16.6 items 3 to 8: the request as it leaves, and the send.
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>

#include <stdexcept>

#include "shared/log/log.hpp"
#include "sip-proxy/charge_marker.hpp"
#include "sip-proxy/hop_transport.hpp"
#include "sip-proxy/record_route.hpp"
#include "sip-proxy/request_checks.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/steps/steps.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy::steps {

namespace {

std::string_view inbound_protocol(const SourceInfo& source) {
    switch (source.transport) {
        case SourceInfo::Transport::udp:
            return "udp";
        case SourceInfo::Transport::tcp:
            return "tcp";
        case SourceInfo::Transport::tls:
            return "tls";
        default:
            return "";
    }
}

bool is_dialog_creating(sip_method_t method) {
    switch (method) {
        case sip_method_invite:
        case sip_method_subscribe:
        case sip_method_refer:
        case sip_method_notify:
            return true;
        default:
            return false;
    }
}

// §16.6 item 3: Max-Forwards one less, or 70 when absent.
void set_max_forwards(msg_t* msg, sip_t* sip) {
    const unsigned long max_forwards = forwarded_max_forwards(sip);
    if (sip->sip_max_forwards) {
        sip->sip_max_forwards->mf_count = max_forwards;
        sip_fragment_clear(sip->sip_max_forwards->mf_common);
    } else {
        sip_add_make(msg, sip, sip_max_forwards_class, std::to_string(max_forwards).c_str());
    }
}

// §16.6 item 4: Record-Route on dialog-creating requests, when configured, for the transports
// the request came in on and leaves by (record_route.hpp).
void add_record_route(const RequestContext& ctx, const ChainParts& parts) {
    if (!parts.settings.record_route || !ctx.initial || !is_dialog_creating(ctx.method) ||
        parts.sent_by.empty())
        return;
    const bool sips = ctx.target->url_type == url_sips ||
                      (ctx.destination && ctx.destination->url_type == url_sips);
    msg_t* msg = ctx.msg.get();
    for (const std::string& rr : record_route_values(parts.sent_by, inbound_protocol(ctx.source),
                                                     hop_transport(ctx.destination).protocol, sips))
        if (auto* h = sip_record_route_make(msg_home(msg), rr.c_str()))
            sip_header_insert(msg, ctx.sip, reinterpret_cast<sip_header_t*>(h));
}

// The host NTA resolves for a hop: its maddr parameter when present, else its host.
bool hop_needs_dns(url_t const* url) {
    if (!url || !url->url_host) return false;
    if (const auto maddr = url_param_value(url, "maddr")) return host_needs_dns(*maddr);
    return host_needs_dns(url->url_host);
}

log::RateLimitedLog& dns_log() {
    static log::RateLimitedLog dns("sip.dns", 10, 60);
    return dns;
}

// Whether the hop can be handed to NTA at all. A hop whose transport we do not listen on
// would fail in nta_msg_tsend too, but Sofia-SIP leaks the message on that path. A host name
// with no routable nameserver would make Sofia's resolver spin inside nta_msg_tsend
// (dns_reachability.hpp). Both get a 503 at once (§16.7 item 6; RFC 3263 §4.3 for the
// resolver). docs/sip-proxy-internals.md has what was measured.
bool can_send(const RequestContext& ctx, ChainParts& parts) {
    const HopTransport transport = hop_transport(ctx.destination);
    if (!transport.protocol.empty() && !parts.wire.listens_on(transport.protocol.c_str()))
        return false;
    if (hop_needs_dns(ctx.destination) && !parts.dns.reachable()) {
        dns_log().event(log::Level::warn, "sip.dns_unreachable",
                        "no nameserver reachable to resolve the next hop",
                        {{"call_id", ctx.call_id},
                         {"destination", url_text(ctx.destination)},
                         {"resolv_conf", parts.dns.path()}});
        return false;
    }
    return true;
}

}  // namespace

StepResult forward(RequestContext& ctx, ChainParts& parts) {
    sip_t* sip = ctx.sip;
    set_max_forwards(ctx.msg.get(), sip);
    add_record_route(ctx, parts);

    if (!parts.branch_signer) throw std::logic_error("no branch signer");
    const std::string branch_tag =
        branch_tag_value(sip, ctx.branch, ctx.warn_class, *parts.branch_signer);
    // nta_msg_tsend takes the message even when it fails: a second reference answers then.
    MsgRef keep(msg_ref_create(ctx.msg.get()));
    // The hop chosen by route, always named: left to itself, NTA sends a request whose first
    // Route lacks ;lr (a strict router) by its Request-URI, not to that router.
    url_t const* hop = ctx.by_request_uri ? nullptr : ctx.destination;
    if (can_send(ctx, parts)) {
        // Counted only once it is known to have left (a watched one by the wire layer).
        switch (parts.wire.send(ctx, hop, branch_tag)) {
            case RequestWire::SendOutcome::sent:
                parts.counters.requests_relayed.add();
                return StepResult::forwarded;
            case RequestWire::SendOutcome::watched:
                return StepResult::forwarded;
            case RequestWire::SendOutcome::refused:
                break;
        }
    }
    // A hop that fails later (ICMP, refused connection) is reported by tport to no message:
    // stateless, the caller's own Timer B ends that call (docs/sip-proxy-internals.md).
    parts.counters.forward_failed.add();
    log::event(log::Level::warn, "sip.forward_failed", "next hop unreachable",
               {{"call_id", ctx.call_id}, {"destination", url_text(ctx.destination)}});
    ctx.msg = std::move(keep);
    if (sip->sip_via && is_own_via(parts.sent_by, sip->sip_via)) sip_via_remove(ctx.msg.get(), sip);
    if (!sip->sip_via) return StepResult::dropped;
    return parts.wire.reply(ctx, SIP_503_SERVICE_UNAVAILABLE);
}

}  // namespace cusax::sip_proxy::steps
