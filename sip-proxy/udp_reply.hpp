#pragma once
// Adapter, outbound: a response of the proxy's own to a request that came by its UDP path,
// made as Sofia-SIP's agent makes the ones it answers itself (nta.c: mreply,
// complete_response), so an answer reads the same whichever path the request took: the
// status line; the request's Via (all of them), From, To, Call-ID, CSeq and Record-Route;
// the extra lines asked for; Content-Length 0.
#include <sofia-sip/msg.h>

#include <string_view>

#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/udp_datagram.hpp"

namespace cusax::sip_proxy {

struct ReplyLines {
    std::string_view warning;      // a Warning value, or empty
    std::string_view unsupported;  // an Unsupported value, or empty
    std::string_view headers;      // further header lines, each ending in CRLF, or empty
};

// Null when Sofia cannot make a message. A request too broken to copy a header from (the
// 400 the front checks answer) still gets what can be made of it, as from the agent.
MsgRef make_reply(const MessageReading& how, msg_t* request, int status, const char* phrase,
                  const ReplyLines& lines = {});

}  // namespace cusax::sip_proxy
