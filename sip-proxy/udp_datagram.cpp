#include "sip-proxy/udp_datagram.hpp"

#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/su.h>

#include <cstring>

namespace cusax::sip_proxy {

MsgRef parse_datagram(const MessageReading& how, std::string_view bytes, sockaddr const* from,
                      socklen_t from_length) {
    if (bytes.size() <= 1) return nullptr;
    MsgRef msg(msg_create(how.mclass, how.flags));
    if (!msg) return nullptr;
    if (how.max_size) msg_maxsize(msg.get(), how.max_size);
    // One block for the parsed headers and their copies instead of a malloc each
    // (nta_msg_create_for_transport does the same with NTATAG_PRELOAD).
    if (how.preload) su_home_preload(msg_home(msg.get()), 1, how.preload + bytes.size());

    // Exactly the datagram's size, as tport_recv_iovec asks for it.
    msg_iovec_t iovec[msg_n_fragments] = {};
    const issize_t pieces = msg_recv_iovec(msg.get(), iovec, msg_n_fragments, bytes.size(), 1);
    if (pieces < 0) return nullptr;
    std::size_t copied = 0;
    for (issize_t i = 0; i < pieces && copied < bytes.size(); ++i) {
        const std::size_t n = std::min<std::size_t>(iovec[i].mv_len, bytes.size() - copied);
        std::memcpy(iovec[i].mv_base, bytes.data() + copied, n);
        copied += n;
    }
    if (copied != bytes.size()) return nullptr;

    su_sockaddr_t address{};
    if (from && from_length <= sizeof address) {
        std::memcpy(&address, from, from_length);
        SU_CANONIZE_SOCKADDR(&address);
        const socklen_t length = address.su_family == AF_INET ? sizeof(sockaddr_in) : from_length;
        msg_set_address(msg.get(), &address, length);
        su_addrinfo_t* ai = msg_addrinfo(msg.get());
        ai->ai_protocol = IPPROTO_UDP;
        ai->ai_socktype = SOCK_DGRAM;
    }

    // The whole datagram is the message (eos): what the parser still lacks never comes.
    msg_recv_commit(msg.get(), bytes.size(), 1);
    if (msg_extract(msg.get()) == 0) msg_mark_as_complete(msg.get(), MSG_FLG_ERROR);
    return msg;
}

}  // namespace cusax::sip_proxy
