#pragma once
// Wire layer: the UDP socket buffers the kernel really gave Sofia-SIP's sockets.
//
// The kernel silently caps what tport asks for at net.core.rmem_max / wmem_max unless the
// process may force it, and too small a buffer drops bursts of calls before the CPU is busy
// (docs/sip-proxy-internals.md). tport does not expose its sockets, so they are found among
// the process's descriptors by their local port.
#include <sofia-sip/nta.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cusax::sip_proxy {

struct UdpSocketBuffers {
    std::string address;        // local address and port, "127.0.0.1:5070"
    std::uint64_t receive = 0;  // getsockopt(SO_RCVBUF): what the kernel granted (doubled)
    std::uint64_t send = 0;     // getsockopt(SO_SNDBUF)
    std::uint64_t inode = 0;    // the socket's inode, as /proc/net/udp lists it (udp_drops.hpp)
};

// Every UDP socket of this process bound to the port of one of the agent's UDP transports.
std::vector<UdpSocketBuffers> udp_socket_buffers(nta_agent_t* agent);

// /proc/sys/net/core/<name> ("rmem_max", "wmem_max"); 0 when it cannot be read.
std::uint64_t kernel_limit(const char* name);

// Logs the effective sizes, and a warning with the sysctl to run when the kernel granted
// less than was asked for (0 asked: kernel default, never a warning).
void log_udp_socket_buffers(nta_agent_t* agent, std::uint64_t asked_receive,
                            std::uint64_t asked_send);

}  // namespace cusax::sip_proxy
