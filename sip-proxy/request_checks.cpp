#include "sip-proxy/request_checks.hpp"

#include <sofia-sip/sip_header.h>

#include "sip-proxy/lenient_method.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {

namespace {

// Sofia-SIP takes a '/' after a SIP URI's host, or inside a tel number, as the start of a
// path (which neither kind of URI has) and writes the URI back without that '/': what follows
// it would be in no parameter while the proxy decides and in the URI the next hop reads (a
// `;user=phone`, or more digits of the number). Such a URI is malformed (RFC 3261 §25.1,
// RFC 3966 §3), so it is refused, not relayed.
bool has_path(url_t const* url) {
    if (!url || !url->url_path) return false;
    return url->url_type == url_sip || url->url_type == url_sips || url->url_type == url_tel;
}

// The same for a '#' after a SIP URI's host: Sofia-SIP keeps what follows it as a fragment, in
// no parameter while the proxy decides, and writes it back whole, so the next hop may read
// `sip:+4989123@gw#;user=phone` with the user=phone the proxy never saw. RFC 3261 §25.1 has no
// '#' outside an escaped user part. (A tel URI's '#' is a local number's digit, RFC 3966 §3:
// `tel:*21#;phone-context=+49` is valid and is not refused here.)
bool has_fragment(url_t const* url) {
    if (!url || !url->url_fragment) return false;
    return url->url_type == url_sip || url->url_type == url_sips;
}

// A parameter the proxy or Sofia-SIP's transport layer reads for the next hop or the call's
// class, given twice: which one counts differs between readers (url_param_value.hpp), so the
// proxy could check one transport, maddr or user and the request leave by the other.
bool has_repeated_hop_param(url_t const* url) {
    for (const char* name : {"transport", "maddr", "user", "lr"})
        if (url_param_repeated(url, name)) return true;
    return false;
}

// What makes a Request-URI or Route URI one the proxy would decide on differently from how it
// relays it (the three cases above), as the Warning text of the 400; nothing when none.
const char* relayed_unlike_checked(url_t const* url) {
    if (has_path(url)) return "'/' after the host or in the number";
    if (has_fragment(url)) return "'#' after the host";
    if (has_repeated_hop_param(url)) return "transport, maddr, user or lr given twice";
    return nullptr;
}

}  // namespace

std::optional<Rejection> check_request(sip_t const* sip) {
    if (!sip || !sip->sip_request) return Rejection{400, "Bad Request", "Not a request", {}};
    // §16.3 item 1 / §8.1.1: the mandatory header fields.
    if (!sip->sip_via) return Rejection{400, "Missing Via", {}, {}};
    if (!sip->sip_to) return Rejection{400, "Missing To", {}, {}};
    if (!sip->sip_from) return Rejection{400, "Missing From", {}, {}};
    if (!sip->sip_call_id) return Rejection{400, "Missing Call-ID", {}, {}};
    if (!sip->sip_cseq) return Rejection{400, "Missing CSeq", {}, {}};
    // A To tag makes the request one within a dialog, which the proxy relays without its
    // charge policy (that is for the initial request). RFC 3261 §25.1: tag-param = "tag"
    // EQUAL token. A tag that is no token (";tag" without a value, a quoted one) may be no tag
    // to the SIP server in front: Kamailio's has_totag() sees none there, so the example
    // conf/kamailio-cusax.cfg sent such an INVITE here as a new call, and on, past the policy.
    if (sip->sip_to->a_tag && !is_rfc3261_token(sip->sip_to->a_tag))
        return Rejection{400, "Bad To Tag", "the To tag is no token", {}};
    if (sip->sip_cseq->cs_method != sip->sip_request->rq_method ||
        (sip->sip_request->rq_method == sip_method_unknown && sip->sip_cseq->cs_method_name &&
         sip->sip_request->rq_method_name &&
         std::string_view(sip->sip_cseq->cs_method_name) != sip->sip_request->rq_method_name))
        return Rejection{400, "CSeq Method Does Not Match", {}, {}};
    // §16.3 item 2: a scheme the proxy cannot route.
    switch (sip->sip_request->rq_url->url_type) {
        case url_sip:
        case url_sips:
        case url_tel:
            break;
        default:
            if (!is_urn(sip->sip_request->rq_url))
                return Rejection{416, "Unsupported URI Scheme", {}, {}};
    }
    if (const char* fault = relayed_unlike_checked(sip->sip_request->rq_url))
        return Rejection{400, "Bad Request-URI", fault, {}};
    for (auto const* route = sip->sip_route; route; route = route->r_next)
        if (const char* fault = relayed_unlike_checked(route->r_url))
            return Rejection{400, "Bad Route", fault, {}};
    // §16.3 item 3: NTA never looks at Max-Forwards; 0 ends the request here, an ACK too
    // (which is never answered: the caller of check_request drops it).
    if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0)
        return Rejection{483, "Too Many Hops", {}, {}};
    // §16.3 item 6: every option tag in Proxy-Require must be supported; we support none.
    if (sip->sip_proxy_require && sip->sip_request->rq_method != sip_method_ack &&
        sip->sip_request->rq_method != sip_method_cancel) {
        std::string tags;
        for (auto const* list = sip->sip_proxy_require; list; list = list->k_next) {
            for (auto const* item = list->k_items; item && *item; ++item) {
                if (!tags.empty()) tags += ", ";
                tags += *item;
            }
        }
        return Rejection{420, "Bad Extension", {}, tags};
    }
    return std::nullopt;
}

unsigned long forwarded_max_forwards(sip_t const* sip) {
    if (!sip || !sip->sip_max_forwards) return 70;  // §16.6 item 3 / §8.1.1.6
    unsigned long count = sip->sip_max_forwards->mf_count;
    return count > 0 ? count - 1 : 0;
}

}  // namespace cusax::sip_proxy
