// Any bytes as a datagram through the proxy's own UDP path up to the chain: parsed as the
// agent parses one (udp_datagram.hpp), checked as the agent checks it (udp_front_checks.hpp),
// answered when the checks answer (udp_reply.hpp), and its destinations read
// (udp_destination.hpp). No crash, no sanitizer report, no leak; an answer is a response.
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/udp_datagram.hpp"
#include "sip-proxy/udp_destination.hpp"
#include "sip-proxy/udp_front_checks.hpp"
#include "sip-proxy/udp_reply.hpp"

using namespace cusax::sip_proxy;

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

struct Setup {
    SuHome home;
    MessageReading how{extended_mclass(), MSG_DO_CANONIC | MSG_DO_EXTRACT_COPY, 0, 4096};
    sip_via_t* transport_via = sip_via_make(home.get(), "SIP/2.0/UDP 127.0.0.1:5060");
    sockaddr_in from{};
    Setup() {
        su_init();
        from.sin_family = AF_INET;
        from.sin_port = htons(5999);
        from.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Setup setup;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    MsgRef msg = parse_datagram(setup.how, bytes, reinterpret_cast<sockaddr const*>(&setup.from),
                                sizeof setup.from);
    if (!msg) return 0;
    sip_t* sip = sip_object(msg.get());
    if (!sip) return 0;
    if (sip->sip_request) {
        const FrontCheck check =
            check_arrived_request(msg.get(), sip, setup.transport_via, msg_addr(msg.get()));
        if (check.action == FrontCheck::Action::answer) {
            MsgRef answer = make_reply(setup.how, msg.get(), check.status, check.phrase.c_str());
            if (answer) {
                sip_t const* reply = sip_object(answer.get());
                require(reply && reply->sip_status && reply->sip_status->st_status == check.status);
                require(msg_prepare(answer.get()) >= 0);
                reply_destination_of(reply->sip_via);
            }
        }
        udp_destination_of(sip->sip_request->rq_url);
    } else if (sip->sip_status) {
        check_arrived_response(msg.get(), sip);
        if (sip->sip_via) udp_destination_of(sip->sip_via->v_next);
    }
    if (sip->sip_via) udp_destination_of(sip->sip_via);
    return 0;
}
