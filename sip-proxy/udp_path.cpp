#include "sip-proxy/udp_path.hpp"

#include <fcntl.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/su_wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "shared/log/log.hpp"
#include "sip-proxy/socket_buffers.hpp"
#include "sip-proxy/udp_stun.hpp"

namespace cusax::sip_proxy {

namespace {

// Datagrams read per system call, and full batches handled per wake-up before the loop gets
// control back (timers and streams wait no longer than that).
constexpr std::size_t kBatch = 32;
constexpr int kBatchesPerWakeup = 4;

bool same_address(sockaddr const* a, sockaddr const* b) {
    if (a->sa_family != b->sa_family) return false;
    if (a->sa_family == AF_INET) {
        auto const* x = reinterpret_cast<sockaddr_in const*>(a);
        auto const* y = reinterpret_cast<sockaddr_in const*>(b);
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->sa_family == AF_INET6) {
        auto const* x = reinterpret_cast<sockaddr_in6 const*>(a);
        auto const* y = reinterpret_cast<sockaddr_in6 const*>(b);
        return x->sin6_port == y->sin6_port &&
               std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return false;
}

// tport does not hand out its sockets: the one bound to the transport's address is found
// among the process's descriptors (socket_buffers.hpp), skipping those taken.
int descriptor_bound_to(sockaddr const* address, const std::set<int>& taken) {
    for (const auto& bound : bound_udp_descriptors())
        if (!taken.count(bound.fd) &&
            same_address(reinterpret_cast<sockaddr const*>(&bound.address), address))
            return bound.fd;
    return -1;
}

// The Via the agent writes for a transport (nta.c agent_tport_via: the last of its list).
sip_via_t const* agent_via_of(tport_t* tport) {
    auto const* via = static_cast<sip_via_t const*>(static_cast<void const*>(tport_magic(tport)));
    while (via && via->v_next) via = via->v_next;
    return via;
}

// tport_check_trunc (Sofia-SIP's tport.c) sends these four bytes from a UDP socket it opens to
// the socket's own address. Workers share that address (SO_REUSEPORT), so the kernel may hand
// another worker's probe to this socket: it is no message, and not malformed.
bool is_truncation_probe(std::string_view bytes, sockaddr const* from, sockaddr const* local) {
    return bytes == "TEST" && same_address(from, local);
}

log::RateLimitedLog& send_log() {
    static log::RateLimitedLog sending("sip.udp_send", 10, 60);
    return sending;
}

}  // namespace

UdpPath::UdpPath(nta_agent_t* agent, su_root_t* root, Deliver deliver, counters::Registry& registry)
    : root_(root),
      deliver_(std::move(deliver)),
      send_failed_(registry.get("udp.send_failed")),
      received_(kBatch),
      to_send_(kBatch) {
    msg_mclass_t const* mclass = nullptr;
    unsigned flags = 0, mtu = 0, preload = 0;
    usize_t max_size = 0;
    nta_agent_get_params(agent, NTATAG_MCLASS_REF(mclass), NTATAG_SIPFLAGS_REF(flags),
                         NTATAG_MAXSIZE_REF(max_size), NTATAG_UDP_MTU_REF(mtu),
                         NTATAG_PRELOAD_REF(preload), TAG_END());
    reading_ = {mclass, static_cast<int>(flags), max_size, preload};
    if (mtu) udp_mtu_ = mtu;

    std::set<int> taken;
    tport_t* tports = nta_agent_tports(agent);
    for (tport_t* tp = tports ? tport_primaries(tports) : nullptr; tp; tp = tport_next(tp)) {
        if (!tport_is_udp(tp)) continue;
        su_addrinfo_t const* ai = tport_get_address(tp);
        const int fd = ai && ai->ai_addr ? descriptor_bound_to(ai->ai_addr, taken) : -1;
        if (fd < 0) throw std::runtime_error("cannot find the socket of a UDP transport");
        taken.insert(fd);
        auto socket = std::make_unique<Socket>();
        std::memcpy(&socket->local, ai->ai_addr,
                    std::min<std::size_t>(ai->ai_addrlen, sizeof socket->local));
        socket->path = this;
        socket->tport = tp;
        socket->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        socket->family = ai->ai_family;
        socket->reaches_ip4 = tport_has_ip4(tp);
        socket->reaches_ip6 = tport_has_ip6(tp);
        socket->via = agent_via_of(tp);
        if (socket->fd < 0 || !socket->via) throw std::runtime_error("cannot take a UDP socket");
        su_wait_t wait[1];
        if (su_wait_create(wait, socket->fd, SU_WAIT_IN) < 0 ||
            (socket->registration = su_root_register(
                 root_, wait, on_readable, reinterpret_cast<su_wakeup_arg_t*>(socket.get()), 0)) <
                0) {
            ::close(socket->fd);
            throw std::runtime_error("cannot watch a UDP socket");
        }
        // From now on the agent leaves the datagrams to this path; its own wait on the socket
        // still reports errors (the ICMP error queue).
        tport_stall(tp);
        sockets_.push_back(std::move(socket));
    }
}

UdpPath::~UdpPath() {
    flush();
    for (auto& socket : sockets_) {
        if (socket->registration >= 0) su_root_deregister(root_, socket->registration);
        tport_continue(socket->tport);
        ::close(socket->fd);
    }
}

const UdpPath::Socket* UdpPath::socket_for(int family) const {
    for (const auto& socket : sockets_)
        if ((family == AF_INET && socket->reaches_ip4) ||
            (family == AF_INET6 && socket->reaches_ip6))
            return socket.get();
    return nullptr;
}

void UdpPath::queue(const Socket& socket, UdpDestination to, msg_t* msg) {
    // An IPv4 peer reached from an IPv6 socket is addressed as a mapped address
    // (tport_send_dgram does the same).
    if (to.family() == AF_INET && socket.family == AF_INET6) {
        const auto in4 = reinterpret_cast<sockaddr_in const&>(to.address);
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = in4.sin_port;
        in6.sin6_addr.s6_addr[10] = in6.sin6_addr.s6_addr[11] = 0xff;
        std::memcpy(&in6.sin6_addr.s6_addr[12], &in4.sin_addr, 4);
        std::memcpy(&to.address, &in6, sizeof in6);
        to.length = sizeof in6;
    }
    // The encoded fragments of the message, gathered into one datagram.
    msg_iovec_t pieces[64];
    isize_t count = msg_iovec(msg, pieces, 64);
    std::vector<msg_iovec_t> more;
    if (count > 64) {
        more.resize(static_cast<std::size_t>(count));
        count = msg_iovec(msg, more.data(), count);
    }
    msg_iovec_t const* at = more.empty() ? pieces : more.data();
    static_assert(sizeof(msg_iovec_t) == sizeof(iovec));
    to_send_.add(socket.fd, to, reinterpret_cast<iovec const*>(at),
                 static_cast<std::size_t>(count));
}

void UdpPath::flush() {
    if (to_send_.empty()) return;
    if (const std::size_t failed = to_send_.flush()) {
        send_failed_.add(failed);
        send_log().event(
            log::Level::warn, "sip.udp_send_failed", "datagrams could not be sent",
            {{"count", std::to_string(failed)}, {"error", std::strerror(to_send_.last_error())}});
    }
}

int UdpPath::on_readable(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
    auto* socket = reinterpret_cast<Socket*>(arg);
    socket->path->read(*socket);
    return 0;
}

void UdpPath::answer_stun(const Socket& socket, std::size_t i) {
    const auto response = stun_binding_response(received_.bytes(i), received_.from(i),
                                                reinterpret_cast<sockaddr const*>(&socket.local));
    if (!response || received_.from_length(i) > sizeof(sockaddr_storage)) return;
    UdpDestination to;
    std::memcpy(&to.address, received_.from(i), received_.from_length(i));
    to.length = received_.from_length(i);
    const iovec piece{const_cast<char*>(response->data()), response->size()};
    to_send_.add(socket.fd, to, &piece, 1);
}

void UdpPath::read(Socket& socket) {
    for (int round = 0; round < kBatchesPerWakeup; ++round) {
        const std::size_t n = received_.receive(socket.fd);
        for (std::size_t i = 0; i < n; ++i) {
            if (received_.truncated(i)) continue;  // larger than any datagram: not SIP
            if (is_truncation_probe(received_.bytes(i), received_.from(i),
                                    reinterpret_cast<sockaddr const*>(&socket.local)))
                continue;
            if (is_stun(received_.bytes(i))) {
                answer_stun(socket, i);
                continue;
            }
            MsgRef msg = parse_datagram(reading_, received_.bytes(i), received_.from(i),
                                        received_.from_length(i));
            if (msg) deliver_(std::move(msg), socket);
        }
        flush();
        if (n < received_.capacity()) break;
    }
}

}  // namespace cusax::sip_proxy
