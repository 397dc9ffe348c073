// StatelessProxy's side of its own UDP path (udp_path.hpp): the checks the agent made before
// its callback, then the same callback and chain as every other message; and the sends that
// can leave by the path (an IP address over UDP) instead of through the agent. What the path
// writes is what the agent would have written: its Via for the transport, with rport and our
// branch; a response without our Via; an answer made as the agent makes it.
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/tport_tag.h>

#include <climits>
#include <string>

#include "shared/log/log.hpp"
#include "sip-proxy/stateless_proxy.hpp"
#include "sip-proxy/udp_destination.hpp"
#include "sip-proxy/udp_front_checks.hpp"

namespace cusax::sip_proxy {

namespace {

log::RateLimitedLog& dropped_log() {
    static log::RateLimitedLog dropped("sip.udp_dropped", 20, 60);
    return dropped;
}

std::string call_id_of(sip_t const* sip) {
    return sip && sip->sip_call_id && sip->sip_call_id->i_id ? sip->sip_call_id->i_id : "";
}

// RFC 3261 §18.1.1: the largest message UDP can carry, for a hop that named UDP.
constexpr std::size_t kLargestDatagram = 65535;

}  // namespace

void StatelessProxy::flush_udp() {
    if (udp_) udp_->flush();
}

void StatelessProxy::on_udp_message(MsgRef msg, const UdpPath::Socket& socket) {
    sip_t* sip = sip_object(msg.get());
    if (!sip || (!sip->sip_request && !sip->sip_status)) {
        // What the agent calls garbage (agent_recv_garbage): counted, never answered.
        counters_.messages_malformed.add();
        dropped_log().event(log::Level::info, "sip.dropped", "unparseable message dropped");
        return;
    }
    udp_delivery_ = {msg.get(), &socket};
    struct Delivered {
        UdpDelivery& delivery;
        ~Delivered() { delivery = {}; }
    } delivered{udp_delivery_};

    const FrontCheck check =
        sip->sip_request ? check_arrived_request(msg.get(), sip, socket.via, msg_addr(msg.get()))
                         : check_arrived_response(msg.get(), sip);
    if (check.bad_message) counters_.messages_malformed.add();
    if (check.bad_request) nta_rejected_.add();
    switch (check.action) {
        case FrontCheck::Action::pass:
            on_message(msg.release(), sip);
            return;
        case FrontCheck::Action::answer:
            dropped_log().event(
                log::Level::info, "sip.rejected", check.phrase,
                {{"call_id", call_id_of(sip)}, {"status", std::to_string(check.status)}});
            tag_as_own_answer(msg.get(), sip);
            answer_by_udp(std::move(msg), check.status, check.phrase.c_str(), {});
            return;
        case FrontCheck::Action::drop:
            dropped_log().event(
                log::Level::info, "sip.dropped",
                sip->sip_request ? "request with a bad Via dropped" : "malformed response dropped",
                {{"call_id", call_id_of(sip)}});
            return;
    }
}

void StatelessProxy::answer_by_udp(MsgRef request, int status, const char* phrase,
                                   const ReplyLines& lines) {
    const UdpPath::Socket* socket = udp_delivery_.socket;
    MsgRef answer = make_reply(udp_->reading(), request.get(), status, phrase, lines);
    sip_t* sip = answer ? sip_object(answer.get()) : nullptr;
    if (!sip || !socket || msg_prepare(answer.get()) < 0) {
        log::event(log::Level::warn, "sip.reply_failed", "cannot make an answer",
                   {{"call_id", call_id_of(sip_object(request.get()))},
                    {"status", std::to_string(status)}});
        return;
    }
    // RFC 3261 §18.2.2: back by the top Via, from the socket the request came by.
    if (const auto to = reply_destination_of(sip->sip_via)) {
        udp_->queue(*socket, *to, answer.get());
        return;
    }
    // A host name (a maddr) to resolve: tport does, as for the agent's own answers.
    const ViaTarget target = reply_target_of(sip->sip_via);
    const std::string host(target.host), port(target.port);
    tp_name_t name{};
    name.tpn_proto = "udp";
    name.tpn_canon = sip->sip_via ? sip->sip_via->v_host : host.c_str();
    name.tpn_host = host.c_str();
    name.tpn_port = port.c_str();
    if (host.empty() ||
        !tport_tsend(socket->tport, answer.get(), &name, TPTAG_MTU(INT_MAX), TAG_END()))
        log::event(log::Level::info, "sip.reply_failed", "answer could not be sent",
                   {{"call_id", call_id_of(sip)}, {"status", std::to_string(status)}});
}

bool StatelessProxy::send_by_udp(RequestContext& ctx, url_t const* target,
                                 const std::string& branch_tag, bool udp_named) {
    const auto to = udp_destination_of(target);
    const UdpPath::Socket* socket = to ? udp_->socket_for(to->family()) : nullptr;
    if (!socket) return false;
    msg_t* msg = ctx.msg.get();
    sip_t* sip = ctx.sip;
    auto* pub = reinterpret_cast<msg_pub_t*>(sip);
    su_home_t* home = msg_home(msg);
    if (sip_complete_message(msg) < 0) return false;
    // outgoing_insert_via: the agent's Via for the socket, rport asked for (the agent runs
    // with NTATAG_CLIENT_RPORT), our branch.
    sip_via_t* via = sip_via_copy(home, socket->via);
    if (!via || msg_header_insert(msg, pub, reinterpret_cast<msg_header_t*>(via)) < 0) return false;
    if (!via->v_rport) msg_header_add_param(home, via->v_common, "rport");
    msg_header_replace_param(home, via->v_common, su_strdup(home, branch_tag.c_str()));
    // RFC 3261 §18.1.1: over the agent's UDP limit the agent moves the request to TCP, unless
    // the hop named UDP (RFC 3263 §4.1); that is for the agent to do, with a Via of its own.
    const std::size_t limit = udp_named ? kLargestDatagram : udp_->udp_mtu();
    if (msg_serialize(msg, pub) < 0 || msg_prepare(msg) < 0 || msg_size(msg) > limit) {
        sip_via_remove(msg, sip);
        return false;
    }
    udp_->queue(*socket, *to, msg);
    ctx.msg.reset();
    return true;
}

StatelessProxy::Relay StatelessProxy::relay_response_by_udp(msg_t* msg, sip_t* sip) {
    // RFC 3261 §18.2.2: the response goes back by the Via below ours.
    const auto to = udp_destination_of(sip->sip_via ? sip->sip_via->v_next : nullptr);
    const UdpPath::Socket* socket = to ? udp_->socket_for(to->family()) : nullptr;
    if (!socket) return Relay::not_udp;
    // As nta_msg_tsend sends a response: completed, our Via removed, no size limit.
    auto* pub = reinterpret_cast<msg_pub_t*>(sip);
    if (!sip->sip_separator && !(sip->sip_separator = sip_separator_create(msg_home(msg))))
        return Relay::failed;
    if (msg_serialize(msg, pub) != 0 || !sip_via_remove(msg, sip) || msg_prepare(msg) < 0)
        return Relay::failed;
    udp_->queue(*socket, *to, msg);
    return Relay::sent;
}

}  // namespace cusax::sip_proxy
