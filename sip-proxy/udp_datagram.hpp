#pragma once
// Adapter, inbound: one UDP datagram made into a Sofia-SIP message the way Sofia's own UDP
// transport makes it (tport_recv_dgram, tport_parse): a buffer of the datagram's size, the
// bytes committed as the whole message, parsed with the agent's message class and flags.
// A datagram is complete, so a message the parser still waits for is marked as an error
// (then the front checks answer it with a 400, as the agent did). The sender's address is
// recorded on the message (msg_addrinfo), an IPv4 peer of an IPv6 socket as IPv4.
#include <sofia-sip/msg.h>
#include <sys/socket.h>

#include <string_view>

#include "sip-proxy/sofia_handles.hpp"

namespace cusax::sip_proxy {

// How the agent reads messages (its class, NTATAG_SIPFLAGS and NTATAG_MAXSIZE).
struct MessageReading {
    msg_mclass_t const* mclass = nullptr;
    int flags = 0;
    usize_t max_size = 0;  // 0: Sofia's default
    unsigned preload = 0;  // NTATAG_PRELOAD: bytes of one block per message, beside its text
};

// Null for a runt (one byte or none, which Sofia drops unread) or when no memory is left.
MsgRef parse_datagram(const MessageReading& how, std::string_view bytes, sockaddr const* from,
                      socklen_t from_length);

}  // namespace cusax::sip_proxy
