#pragma once
// Wire layer: the proxy's own UDP path (docs/sip-proxy-internals.md, "The proxy's own UDP
// path"). Sofia-SIP's UDP transport wakes up once per datagram and makes four system calls
// for it besides the wait (bench/RESULTS.md); here each UDP socket of the agent is read in
// batches (recvmmsg), every datagram goes to Sofia's message parser directly and on to the
// proxy, and what the proxy sends over UDP while handling a batch goes out in one sendmmsg.
//
// The sockets stay the agent's: it still sends from them what it must resolve or route
// itself (a host-name hop, a request too large for UDP moved to TCP, an answer to a stream),
// and still reads their error queues (ICMP reports); it only no longer reads their datagrams
// (tport_stall). The path reads each through a descriptor of its own (dup), registered with
// the same su_root, so it runs on the proxy's one thread and loop.
#include <sofia-sip/nta.h>
#include <sofia-sip/tport.h>

#include <functional>
#include <memory>
#include <vector>

#include "shared/counters/counters.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/udp_batch.hpp"
#include "sip-proxy/udp_datagram.hpp"
#include "sip-proxy/udp_destination.hpp"

namespace cusax::sip_proxy {

class UdpPath {
  public:
    // One of the agent's UDP sockets, read here instead of by the agent.
    struct Socket {
        UdpPath* path = nullptr;
        tport_t* tport = nullptr;        // the agent's transport on it
        int fd = -1;                     // this path's descriptor of the same socket
        int family = 0;                  // AF_INET or AF_INET6
        bool reaches_ip4 = false;        // tport_has_ip4
        bool reaches_ip6 = false;        // tport_has_ip6
        sip_via_t const* via = nullptr;  // the agent's Via for it
        int registration = -1;           // su_root_register's index
        sockaddr_storage local{};        // the address it is bound to
    };

    // Called with every message read (parsed, its sender recorded) and the socket it came by.
    using Deliver = std::function<void(MsgRef msg, const Socket& socket)>;

    // Takes over the reading of every UDP transport of `agent`. Throws std::runtime_error
    // when the socket of one cannot be found. `registry` gets udp.send_failed.
    UdpPath(nta_agent_t* agent, su_root_t* root, Deliver deliver, counters::Registry& registry);
    ~UdpPath();
    UdpPath(const UdpPath&) = delete;
    UdpPath& operator=(const UdpPath&) = delete;

    // How the agent reads and makes messages (class, flags, largest size).
    const MessageReading& reading() const { return reading_; }
    // The agent's UDP size limit (NTATAG_UDP_MTU): larger requests go by TCP (RFC 3261
    // §18.1.1) unless the hop named UDP.
    std::size_t udp_mtu() const { return udp_mtu_; }

    // The socket the agent would send from to an address of `family` (AF_INET, AF_INET6):
    // the first UDP transport that reaches it (tport_primary_by_name); null: none.
    const Socket* socket_for(int family) const;

    // Queues the encoded `msg` (msg_prepare done) for `to`, sent from `socket`.
    void queue(const Socket& socket, UdpDestination to, msg_t* msg);

    // Sends what is queued. Called after each batch of received datagrams and at the end of
    // every callback of the agent (a request from a stream may leave by UDP).
    void flush();

  private:
    static int on_readable(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg);
    void read(Socket& socket);
    // A STUN Binding request among the datagrams read (udp_stun.hpp) gets its response.
    void answer_stun(const Socket& socket, std::size_t i);

    su_root_t* root_;
    Deliver deliver_;
    counters::Counter& send_failed_;
    MessageReading reading_;
    std::size_t udp_mtu_ = 1300;
    std::vector<std::unique_ptr<Socket>> sockets_;  // stable addresses: registration arguments
    UdpReceiveBatch received_;
    UdpSendBatch to_send_;
};

}  // namespace cusax::sip_proxy
