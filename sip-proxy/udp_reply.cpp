#include "sip-proxy/udp_reply.hpp"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/sip_util.h>

#include <string>

namespace cusax::sip_proxy {

MsgRef make_reply(const MessageReading& how, msg_t* request, int status, const char* phrase,
                  const ReplyLines& lines) {
    sip_t const* asked = sip_object(request);
    if (!asked || !asked->sip_request) return nullptr;
    MsgRef reply(msg_create(how.mclass, how.flags));
    sip_t* sip = reply ? sip_object(reply.get()) : nullptr;
    if (!sip) return nullptr;
    su_home_t* home = msg_home(reply.get());

    const std::string warning(lines.warning), unsupported(lines.unsupported),
        headers(lines.headers);
    if (sip_add_tl(reply.get(), sip, TAG_IF(!warning.empty(), SIPTAG_WARNING_STR(warning.c_str())),
                   TAG_IF(!unsupported.empty(), SIPTAG_UNSUPPORTED_STR(unsupported.c_str())),
                   TAG_IF(!headers.empty(), SIPTAG_HEADER_STR(headers.c_str())), TAG_END()) < 0)
        return nullptr;

    // complete_response: the headers every response repeats of its request (RFC 3261
    // §8.2.6.2), the request's Record-Route (§12.1.1), then the message completed.
    sip->sip_status = sip_status_create(home, static_cast<unsigned>(status),
                                        phrase ? su_strdup(home, phrase) : nullptr, nullptr);
    sip->sip_via = sip_via_dup(home, asked->sip_via);
    sip->sip_from = sip_from_dup(home, asked->sip_from);
    sip->sip_to = sip_to_dup(home, asked->sip_to);
    sip->sip_call_id = sip_call_id_dup(home, asked->sip_call_id);
    sip->sip_cseq = sip_cseq_dup(home, asked->sip_cseq);
    if (asked->sip_record_route)
        sip_add_dup(reply.get(), sip,
                    reinterpret_cast<sip_header_t const*>(asked->sip_record_route));
    sip_complete_message(reply.get());
    if (!sip->sip_status || msg_serialize(reply.get(), reinterpret_cast<msg_pub_t*>(sip)) < 0)
        return nullptr;
    return reply;
}

}  // namespace cusax::sip_proxy
