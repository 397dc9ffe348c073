#include "sip-proxy/udp_front_checks.hpp"

#include <netinet/in.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/tport.h>

#include <cstring>

namespace cusax::sip_proxy {

namespace {

// The agent's defaults (nta.c, nta_agent_create): errors in headers a proxy reads, or a
// registrar, preference or privacy header, do not make a request or response bad; Sofia
// leaves those lines in sip_error, where unparsed_headers.hpp finds them.
constexpr unsigned kBadRequestMask = ~unsigned(
    sip_mask_response | sip_mask_proxy | sip_mask_registrar | sip_mask_pref | sip_mask_privacy);
constexpr unsigned kBadResponseMask = ~unsigned(
    sip_mask_request | sip_mask_proxy | sip_mask_registrar | sip_mask_pref | sip_mask_privacy);

FrontCheck answer(int status, std::string phrase) {
    FrontCheck c;
    c.action = FrontCheck::Action::answer;
    c.status = status;
    c.phrase = std::move(phrase);
    c.bad_message = c.bad_request = true;
    return c;
}

FrontCheck drop(bool bad_request) {
    FrontCheck c;
    c.action = FrontCheck::Action::drop;
    c.bad_message = true;
    c.bad_request = bad_request;
    return c;
}

// The name of the first header that failed to parse, as the agent names it in its 400.
const char* first_bad_header(msg_t* msg, sip_t const* sip) {
    msg_mclass_t const* mclass = msg_mclass(msg);
    for (auto const* h = reinterpret_cast<msg_header_t const*>(sip->sip_error); h; h = h->sh_next) {
        const bool error_record = mclass && h->sh_class == mclass->mc_error->hr_class;
        if (const char* name = error_record ? h->sh_error->er_name : h->sh_class->hc_name)
            return name;
    }
    return nullptr;
}

// agent_check_request_via: the top Via names the transport the request came by; a received
// parameter the sender wrote is removed; ours is added when the sender's address is not the
// Via's host; rport filled in when asked for. False: the Via names another transport.
bool note_arrival(msg_t* msg, sip_via_t* via, sip_via_t const* transport_via,
                  su_sockaddr_t const* from) {
    if (!via || !transport_via) return false;
    if (!su_strmatch(via->v_protocol, transport_via->v_protocol)) return false;
    su_home_t* home = msg_home(msg);
    if (via->v_received) msg_header_remove_param(via->v_common, "received");
    char received[sizeof "received=" + TPORT_HOSTPORTSIZE] = "received=";
    char* host = received + std::strlen(received);
    if (!tport_hostport(host, TPORT_HOSTPORTSIZE, from, 0)) return false;
    if (!su_casematch(host, via->v_host)) {
        if (host[0] == '[') {  // received= takes an IPv6 address without brackets
            const std::size_t length = std::strlen(host + 1) - 1;
            std::memmove(host, host + 1, length);
            host[length] = '\0';
        }
        msg_header_replace_param(home, via->v_common, su_strdup(home, received));
    }
    if (via->v_rport) {
        const char* rport = su_sprintf(home, "rport=%u", ntohs(from->su_port));
        msg_header_replace_param(home, via->v_common, rport);
    }
    return true;
}

}  // namespace

FrontCheck check_arrived_request(msg_t* msg, sip_t* sip, sip_via_t const* transport_via,
                                 su_sockaddr_t const* from) {
    if (sip->sip_flags & MSG_FLG_TOOLARGE) {
        FrontCheck c = answer(SIP_413_REQUEST_TOO_LARGE);
        c.bad_message = false;
        return c;
    }
    const bool errors = (msg_extract_errors(msg) & kBadRequestMask) != 0;
    if (errors || (sip->sip_flags & MSG_FLG_ERROR) || sip_sanity_check(sip) < 0) {
        // RFC 3261 §17.1.1.3: an ACK gets no answer; with no Via there is nowhere to send one.
        if (!sip->sip_via || sip->sip_request->rq_method == sip_method_ack) return drop(true);
        note_arrival(msg, sip->sip_via, transport_via, from);
        // RFC 3261 §21.4.1: the reason phrase names the syntax problem.
        const char* bad = first_bad_header(msg, sip);
        return answer(400, bad ? std::string("Bad ") + bad + " Header" : sip_400_Bad_request);
    }
    if (!su_casematch(sip->sip_request->rq_version, sip_version_2_0))
        return answer(SIP_505_VERSION_NOT_SUPPORTED);
    if (!note_arrival(msg, sip->sip_via, transport_via, from)) return drop(true);
    return {};
}

FrontCheck check_arrived_response(msg_t* msg, sip_t const* sip) {
    const bool errors = (msg_extract_errors(msg) & kBadResponseMask) != 0;
    if (errors || sip_sanity_check(sip) < 0 ||
        !su_casematch(sip->sip_status->st_version, sip_version_2_0) ||
        (sip->sip_cseq && sip->sip_cseq->cs_method == sip_method_ack))
        return drop(false);
    return {};
}

}  // namespace cusax::sip_proxy
