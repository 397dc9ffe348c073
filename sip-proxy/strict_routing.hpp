#pragma once
// Adapter, both directions: the two Request-URI rewrites RFC 3261 asks of a proxy that meets a
// strict router (an RFC 2543 hop: a Route value without ;lr).
#include <sofia-sip/sip.h>

#include <functional>

namespace cusax::sip_proxy {

// §16.4: when the Request-URI is this proxy's own address (is_own) and the request carries a
// Route set, the previous hop was a strict router that moved our Record-Route URI into the
// Request-URI and the real target to the end of the Route set: the Request-URI becomes the
// last Route value, which is removed. Not when that last value names this proxy itself (is_own
// and no user part, as our Record-Route URIs are): the Route set then only leads to us (a
// loose route, the way a dispatcher's probe or an outbound-proxy setting sends it), a strict
// router would have left a target there, and taking it would lose the Request-URI's user
// part. Returns true when it rewrote.
bool restore_request_uri_from_strict_router(msg_t* msg, sip_t* sip,
                                            const std::function<bool(url_t const*)>& is_own);

// §16.6 item 6: when the first Route value lacks ;lr the next hop is a strict router: the
// Request-URI goes to the end of the Route set, the first Route value becomes the
// Request-URI and is removed. The request is then sent to the new Request-URI. Returns true
// when it rewrote.
bool prepare_for_strict_next_hop(msg_t* msg, sip_t* sip);

}  // namespace cusax::sip_proxy
