#include "sip-proxy/stream_fallback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>

#include "shared/log/log.hpp"

namespace cusax::sip_proxy {

namespace {

// RFC 3261 §17.1.1.2: Timer B (64*T1). Past it the caller has given the request up.
constexpr auto kGiveUpAfter = std::chrono::seconds(32);
constexpr usize_t kLargestDatagram = 65535;

// The connection NTA queued `msg` on, found by the address it was resolved to.
tport_t* connection_of(nta_agent_t* agent, msg_t* msg, const char* protocol) {
    su_addrinfo_t const* ai = msg_addrinfo(msg);
    if (!ai || !ai->ai_addr || ai->ai_protocol != IPPROTO_TCP) return nullptr;
    char host[INET6_ADDRSTRLEN] = "";
    unsigned port = 0;
    if (ai->ai_family == AF_INET) {
        auto const* in = reinterpret_cast<sockaddr_in const*>(ai->ai_addr);
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
    } else if (ai->ai_family == AF_INET6) {
        auto const* in6 = reinterpret_cast<sockaddr_in6 const*>(ai->ai_addr);
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
    } else {
        return nullptr;
    }
    const std::string port_text = std::to_string(port);
    tp_name_t name{};
    name.tpn_proto = protocol;
    name.tpn_canon = host;
    name.tpn_host = host;
    name.tpn_port = port_text.c_str();
    tport_t* tp = tport_by_name(nta_agent_tports(agent), &name);
    return tp && tport_is_secondary(tp) ? tp : nullptr;
}

}  // namespace

StreamFallback::StreamFallback(nta_agent_t* agent, su_root_t* root, ProxyCounters& counters)
    : agent_(agent), counters_(counters), settle_timer_(su_timer_create(su_root_task(root), 1)) {}

StreamFallback::~StreamFallback() {
    for (auto& w : watched_) release(w);
    if (settle_timer_) su_timer_destroy(settle_timer_);
}

bool StreamFallback::watch(MsgRef sent, const char* protocol, bool udp_allowed, std::string hop,
                           std::string branch_tag, std::string call_id) {
    tport_t* tp = connection_of(agent_, sent.get(), protocol);
    if (!tp || tport_is_connected(tp)) return false;
    Watched& w = watched_.emplace_back();
    w.owner = this;
    w.pending = tport_pend(tp, sent.get(), on_error, reinterpret_cast<tp_client_t*>(&w));
    if (w.pending <= 0) {
        watched_.pop_back();
        return false;
    }
    w.tport = tport_ref(tp);
    w.msg = std::move(sent);
    w.udp_allowed = udp_allowed;
    w.hop = std::move(hop);
    w.branch_tag = std::move(branch_tag);
    w.call_id = std::move(call_id);
    w.since = std::chrono::steady_clock::now();
    return true;
}

void StreamFallback::on_error(tp_stack_t*, tp_client_t* client, tport_t* tp, msg_t*, int error) {
    auto* w = reinterpret_cast<Watched*>(client);
    // tport reports a failure of the connection to every message still registered on it, also
    // to one written out before the peer went away (reset, closed) and not settled yet: open
    // with nothing left in its queue, the connection took the request, which was relayed.
    if (w->error == 0 && !w->left) {
        if (tp && tport_is_connected(tp) && tport_queuelen(tp) == 0)
            w->left = true;
        else
            w->error = error ? error : ECONNRESET;
    }
    // Not from inside tport's error report: the resend happens on the loop's next turn.
    if (w->owner->settle_timer_)
        su_timer_set_interval(w->owner->settle_timer_, on_settle_timer,
                              reinterpret_cast<su_timer_arg_t*>(w->owner), 1);
}

void StreamFallback::on_settle_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
    reinterpret_cast<StreamFallback*>(arg)->settle();
}

void StreamFallback::settle() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = watched_.begin(); it != watched_.end();) {
        Watched& w = *it;
        if (w.left) {
            release(w);
            counters_.requests_relayed.add();
        } else if (w.error == ECONNREFUSED && w.udp_allowed) {
            release(w);
            resend_over_udp(w);
        } else if (w.error != 0) {
            release(w);
            lost(w, su_strerror(w.error));
        } else if (tport_is_connected(w.tport) && tport_queuelen(w.tport) == 0) {
            release(w);
            counters_.requests_relayed.add();
        } else if (now - w.since > kGiveUpAfter) {
            release(w);
            lost(w, "connection not established");
        } else {
            ++it;
            continue;
        }
        it = watched_.erase(it);
    }
}

void StreamFallback::release(Watched& w) {
    if (!w.tport) return;
    tport_release(w.tport, w.pending, w.msg.get(), nullptr, reinterpret_cast<tp_client_t*>(&w), 0);
    tport_unref(w.tport);
    w.tport = nullptr;
}

void StreamFallback::resend_over_udp(Watched& w) {
    // A fresh copy without the Via NTA added for TCP; NTA adds its UDP one with the same
    // branch. The largest datagram lifts the limit that moved it to TCP (§18.1.1).
    MsgRef copy(msg_dup(w.msg.get()));
    sip_t* sip = copy ? sip_object(copy.get()) : nullptr;
    if (!sip || !sip->sip_via) return lost(w, "cannot copy the request");
    sip_via_remove(copy.get(), sip);
    tport_t* udp = tport_by_protocol(nta_agent_tports(agent_), "udp");
    if (!udp) return lost(w, "TCP refused and no UDP transport");
    log::event(log::Level::info, "sip.udp_fallback", "TCP connection refused, sent over UDP",
               {{"call_id", w.call_id},
                {"destination", w.hop.empty() ? std::string("Request-URI") : w.hop}});
    if (nta_msg_tsend(agent_, copy.release(),
                      w.hop.empty() ? nullptr : URL_STRING_MAKE(w.hop.c_str()),
                      NTATAG_BRANCH_KEY(w.branch_tag.c_str()), NTATAG_TPORT(udp),
                      TPTAG_MTU(kLargestDatagram), TAG_END()) < 0)
        return lost(w, "UDP send failed");
    counters_.requests_relayed.add();
}

void StreamFallback::lost(const Watched& w, const char* why) {
    counters_.forward_failed.add();
    log::event(log::Level::warn, "sip.forward_failed", "request lost on its way to the next hop",
               {{"call_id", w.call_id},
                {"destination", w.hop.empty() ? std::string("Request-URI") : w.hop},
                {"reason", why}});
}

}  // namespace cusax::sip_proxy
