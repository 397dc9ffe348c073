#include "sip-proxy/options_for_proxy.hpp"

namespace cusax::sip_proxy {

bool is_options_for_this_proxy(sip_t const* sip, const std::vector<SentBy>& ours) {
    if (!sip || !sip->sip_request || sip->sip_request->rq_method != sip_method_options)
        return false;
    if (!is_own_uri(ours, sip->sip_request->rq_url)) return false;
    for (sip_route_t const* route = sip->sip_route; route; route = route->r_next)
        if (!is_own_uri(ours, route->r_url)) return false;
    return true;
}

}  // namespace cusax::sip_proxy
