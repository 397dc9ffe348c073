#include "sip-proxy/strict_routing.hpp"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/url.h>

#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {

namespace {

// The Request-URI set to a copy of url (strings in the message's home), re-encoded on send.
bool set_request_uri(msg_t* msg, sip_t* sip, url_t const* url) {
    url_t* copy = url_hdup(msg_home(msg), url);
    if (!copy) return false;
    *sip->sip_request->rq_url = *copy;
    sip_fragment_clear(sip->sip_request->rq_common);
    return true;
}

}  // namespace

bool restore_request_uri_from_strict_router(msg_t* msg, sip_t* sip,
                                            const std::function<bool(url_t const*)>& is_own) {
    if (!msg || !sip || !sip->sip_request || !sip->sip_route) return false;
    if (!is_own(sip->sip_request->rq_url)) return false;
    sip_route_t* last = sip->sip_route;
    while (last->r_next) last = last->r_next;
    if (!last->r_url->url_user && is_own(last->r_url)) return false;
    if (!set_request_uri(msg, sip, last->r_url)) return false;
    msg_header_remove(msg, reinterpret_cast<msg_pub_t*>(sip),
                      reinterpret_cast<msg_header_t*>(last));
    return true;
}

bool prepare_for_strict_next_hop(msg_t* msg, sip_t* sip) {
    if (!msg || !sip || !sip->sip_request || !sip->sip_route) return false;
    sip_route_t const* first = sip->sip_route;
    if (url_has_param_named(first->r_url, "lr")) return false;
    sip_route_t* old_target = sip_route_create(msg_home(msg), sip->sip_request->rq_url, nullptr);
    if (!old_target) return false;
    if (!set_request_uri(msg, sip, first->r_url)) return false;
    sip_route_remove(msg, sip);
    // Appended after the remaining values (msg_header_insert would put it first).
    return msg_header_add_dup(msg, reinterpret_cast<msg_pub_t*>(sip),
                              reinterpret_cast<msg_header_t*>(old_target)) == 0;
}

}  // namespace cusax::sip_proxy
