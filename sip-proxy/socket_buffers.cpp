#include "sip-proxy/socket_buffers.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/tport.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "shared/log/log.hpp"

namespace cusax::sip_proxy {

namespace {

std::string describe(const sockaddr_storage& ss) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET) {
        auto const& in = reinterpret_cast<sockaddr_in const&>(ss);
        inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf);
        return std::string(buf) + ":" + std::to_string(ntohs(in.sin_port));
    }
    auto const& in6 = reinterpret_cast<sockaddr_in6 const&>(ss);
    inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(in6.sin6_port));
}

int port_of(const sockaddr_storage& ss) {
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in const&>(ss).sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6 const&>(ss).sin6_port);
    return -1;
}

}  // namespace

std::vector<UdpSocketBuffers> udp_socket_buffers(nta_agent_t* agent) {
    std::set<int> ports;
    tport_t* tports = agent ? nta_agent_tports(agent) : nullptr;
    for (tport_t* tp = tports ? tport_primaries(tports) : nullptr; tp; tp = tport_next(tp)) {
        if (!tport_is_udp(tp)) continue;
        if (tp_name_t const* name = tport_name(tp); name && name->tpn_port)
            ports.insert(std::atoi(name->tpn_port));
    }
    std::vector<UdpSocketBuffers> out;
    if (ports.empty()) return out;
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return out;
    while (dirent* entry = readdir(dir)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end || fd == dirfd(dir)) continue;
        int type = 0;
        socklen_t len = sizeof type;
        if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
            type != SOCK_DGRAM)
            continue;
        sockaddr_storage ss{};
        socklen_t sslen = sizeof ss;
        if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&ss), &sslen) != 0 ||
            !ports.count(port_of(ss)))
            continue;
        int rcv = 0, snd = 0;
        len = sizeof rcv;
        getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_RCVBUF, &rcv, &len);
        len = sizeof snd;
        getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_SNDBUF, &snd, &len);
        struct stat st {};
        const std::uint64_t inode =
            fstat(static_cast<int>(fd), &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
        out.push_back({describe(ss), static_cast<std::uint64_t>(rcv),
                       static_cast<std::uint64_t>(snd), inode});
    }
    closedir(dir);
    return out;
}

std::uint64_t kernel_limit(const char* name) {
    std::ifstream in(std::string("/proc/sys/net/core/") + name);
    std::uint64_t value = 0;
    in >> value;
    return in ? value : 0;
}

void log_udp_socket_buffers(nta_agent_t* agent, std::uint64_t asked_receive,
                            std::uint64_t asked_send) {
    const auto rmem_max = kernel_limit("rmem_max");
    const auto wmem_max = kernel_limit("wmem_max");
    for (const auto& socket : udp_socket_buffers(agent)) {
        // Linux doubles the value set (bookkeeping overhead) and reports the doubled one.
        const bool receive_capped = asked_receive > 0 && socket.receive < 2 * asked_receive;
        const bool send_capped = asked_send > 0 && socket.send < 2 * asked_send;
        log::event(log::Level::info, "sip.udp_buffers", "UDP socket buffers",
                   {{"socket", socket.address},
                    {"receive", std::to_string(socket.receive / 2)},
                    {"send", std::to_string(socket.send / 2)},
                    {"receive_asked", std::to_string(asked_receive)},
                    {"send_asked", std::to_string(asked_send)}});
        if (receive_capped || send_capped) {
            const std::string fix =
                (receive_capped ? "sysctl -w net.core.rmem_max=" + std::to_string(asked_receive)
                                : std::string()) +
                (receive_capped && send_capped ? "; " : "") +
                (send_capped ? "sysctl -w net.core.wmem_max=" + std::to_string(asked_send)
                             : std::string());
            log::event(log::Level::warn, "sip.udp_buffers_capped",
                       "the kernel capped the UDP socket buffers: bursts may be dropped; "
                       "raise the limits (and set them in /etc/sysctl.d/)",
                       {{"socket", socket.address},
                        {"rmem_max", std::to_string(rmem_max)},
                        {"wmem_max", std::to_string(wmem_max)},
                        {"fix", fix}});
        }
    }
}

}  // namespace cusax::sip_proxy
