#pragma once
// The kernel's caps on socket buffers (net.core.rmem_max, wmem_max) against the UDP buffers the
// proxy asks for ([sip-proxy] udp_receive_buffer, udp_send_buffer; sip-proxy/socket_buffers.hpp).
// The kernel silently gives a socket no more than the cap, and too small a receive buffer drops
// bursts of calls before the CPU is busy: a warning, since the proxy still runs.
#include <cstdint>
#include <filesystem>
#include <string>

#include "cusaxctl/doctor/check_result.hpp"
#include "sip-proxy/proxy_settings.hpp"

namespace cusax::ctl::doctor {

struct BufferFacts {
    std::uint64_t receive_asked = 0;  // 0: the kernel's default, never capped
    std::uint64_t send_asked = 0;
    std::uint64_t rmem_max = 0;  // 0: could not be read
    std::uint64_t wmem_max = 0;
    std::string receive_where;  // "cusax.ini:31"
    std::string send_where;
};

CheckResult buffer_verdict(const BufferFacts& facts);

// /proc/sys/net/core/<name> under `proc_net_core`; 0 when it cannot be read.
std::uint64_t kernel_cap(const std::filesystem::path& proc_net_core, const std::string& name);

// Whether a listen URI opens a UDP socket (sip: without a transport, or ;transport=udp).
bool listens_on_udp(const std::string& listen_uri);

}  // namespace cusax::ctl::doctor
