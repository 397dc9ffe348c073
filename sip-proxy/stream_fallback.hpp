#pragma once
// Wire layer: what becomes of a request NTA moved from UDP to a TCP connection it is still
// opening. RFC 3261 §18.1.1 sends a request over its UDP limit by TCP, and a refused connection
// is retried over UDP. NTA does both in a transaction, but a stateless send is over once
// queued: a refused connection lost the request without a word. This watches such a request
// on its connection (tport_pend) until the connection is up (then it was relayed), refused
// (then it goes again over UDP, with no size limit), or the caller's own timer is long past
// (then it was lost; a warning says so). docs/sip-proxy-internals.md, "Transports of a hop".
#include <sofia-sip/nta.h>
#include <sofia-sip/tport.h>

#include <chrono>
#include <list>
#include <string>

#include "sip-proxy/proxy_counters.hpp"
#include "sip-proxy/sofia_handles.hpp"

namespace cusax::sip_proxy {

class StreamFallback {
  public:
    StreamFallback(nta_agent_t* agent, su_root_t* root, ProxyCounters& counters);
    ~StreamFallback();
    StreamFallback(const StreamFallback&) = delete;
    StreamFallback& operator=(const StreamFallback&) = delete;

    // After nta_msg_tsend took `sent` (a second reference to the request it sent) for `hop`
    // (empty: by the Request-URI) with `branch_tag`: true when NTA left it queued on a
    // `protocol` ("tcp", "tls") connection not yet open, which is then watched; false when it
    // is already on its way. `udp_allowed`: no transport was named, so a refused connection
    // is retried over UDP (RFC 3261 §18.1.1); else a refusal is a loss.
    bool watch(MsgRef sent, const char* protocol, bool udp_allowed, std::string hop,
               std::string branch_tag, std::string call_id);

    // Settles what is decided: connections up, connections refused, and the ones waited on
    // too long. Called by the proxy's timer and after a refusal.
    void settle();

  private:
    struct Watched {
        StreamFallback* owner = nullptr;
        tport_t* tport = nullptr;  // referenced while watched
        int pending = 0;           // tport_pend's handle
        MsgRef msg;
        std::string hop, branch_tag, call_id;
        std::chrono::steady_clock::time_point since;
        int error = 0;      // set by the refusal callback
        bool left = false;  // the connection took it before it failed (on_error)
        bool udp_allowed = false;
    };
    static void on_error(tp_stack_t*, tp_client_t* client, tport_t*, msg_t*, int error);
    static void on_settle_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg);
    void release(Watched& w);
    void resend_over_udp(Watched& w);
    void lost(const Watched& w, const char* why);

    nta_agent_t* agent_;
    ProxyCounters& counters_;
    su_timer_t* settle_timer_ = nullptr;
    std::list<Watched> watched_;  // stable addresses: each entry is a tport_pend client
};

}  // namespace cusax::sip_proxy
