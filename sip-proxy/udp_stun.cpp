#include "sip-proxy/udp_stun.hpp"

#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace cusax::sip_proxy {

namespace {

constexpr std::size_t kHeader = 20;  // type, length, 16 bytes of cookie and transaction id
constexpr std::uint16_t kBindingRequest = 0x0001;
constexpr std::uint16_t kBindingResponse = 0x0101;
constexpr std::uint16_t kMappedAddress = 0x0001;
constexpr std::uint16_t kSourceAddress = 0x0004;

void put16(std::string& out, std::uint16_t value) {
    out.push_back(static_cast<char>(value >> 8));
    out.push_back(static_cast<char>(value & 0xff));
}

// An address attribute (RFC 3489 §11.2.1): family 1 with 4 bytes, or 2 with 16; false for
// another family.
bool put_address(std::string& out, std::uint16_t type, sockaddr const* address) {
    const void* ip = nullptr;
    std::size_t ip_size = 0;
    std::uint16_t family = 0;
    in_port_t port = 0;
    if (address->sa_family == AF_INET) {
        auto const* in4 = reinterpret_cast<sockaddr_in const*>(address);
        ip = &in4->sin_addr;
        ip_size = 4;
        family = 1;
        port = in4->sin_port;
    } else if (address->sa_family == AF_INET6) {
        auto const* in6 = reinterpret_cast<sockaddr_in6 const*>(address);
        ip = &in6->sin6_addr;
        ip_size = 16;
        family = 2;
        port = in6->sin6_port;
    } else {
        return false;
    }
    put16(out, type);
    put16(out, static_cast<std::uint16_t>(4 + ip_size));
    put16(out, family);
    put16(out, ntohs(port));
    out.append(static_cast<const char*>(ip), ip_size);
    return true;
}

}  // namespace

bool is_stun(std::string_view datagram) {
    return !datagram.empty() && (datagram[0] == 0 || datagram[0] == 1);
}

std::optional<std::string> stun_binding_response(std::string_view request, sockaddr const* from,
                                                 sockaddr const* local) {
    if (request.size() < kHeader || !from || !local) return std::nullopt;
    const auto type = static_cast<std::uint16_t>((static_cast<unsigned char>(request[0]) << 8) |
                                                 static_cast<unsigned char>(request[1]));
    if (type != kBindingRequest) return std::nullopt;
    std::string attributes;
    if (!put_address(attributes, kMappedAddress, from) ||
        !put_address(attributes, kSourceAddress, local))
        return std::nullopt;
    std::string response;
    put16(response, kBindingResponse);
    put16(response, static_cast<std::uint16_t>(attributes.size()));
    response.append(request.substr(4, kHeader - 4));  // magic cookie and transaction id as sent
    response += attributes;
    return response;
}

}  // namespace cusax::sip_proxy
