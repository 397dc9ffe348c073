#pragma once
// Adapter, inbound: what Sofia-SIP's agent checks in every message before its callback sees
// it (nta.c: agent_recv_request, agent_recv_response, agent_check_request_via), done the same
// way for the datagrams the proxy's own UDP path reads, so that a message gets the same
// answer whichever path it took: a request the parser could not make sense of in a header
// the agent reads gets 400 naming that header, a wrong SIP version 505, a request whose Via
// names another transport is dropped, a broken response is dropped; the top Via of every
// other request gets `received` (when the sender's address is not its sent-by) and the
// `rport` it asked for (RFC 3261 §18.2.1, RFC 3581 §4).
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/su.h>

#include <string>

namespace cusax::sip_proxy {

struct FrontCheck {
    enum class Action {
        pass,    // on to the proxy
        answer,  // answer `status` `phrase` (to the Via as it is now), nothing else
        drop,    // nothing at all
    };
    Action action = Action::pass;
    int status = 0;
    std::string phrase;
    // What the agent counted: a bad message (messages.malformed) and a bad request
    // (requests.rejected.by_nta).
    bool bad_message = false;
    bool bad_request = false;
};

// `transport_via` is the agent's own Via for the transport the request came in on (its
// protocol is what the request's top Via must name); `from` the sender.
FrontCheck check_arrived_request(msg_t* msg, sip_t* sip, sip_via_t const* transport_via,
                                 su_sockaddr_t const* from);

FrontCheck check_arrived_response(msg_t* msg, sip_t const* sip);

}  // namespace cusax::sip_proxy
