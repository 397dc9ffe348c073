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
    if (address->sa_family == AF_INET) {
        auto const* in4 = reinterpret_cast<sockaddr_in const*>(address);
        put16(out, type);
        put16(out, 8);
        put16(out, 1);
        put16(out, ntohs(in4->sin_port));
        out.append(reinterpret_cast<const char*>(&in4->sin_addr), 4);
        return true;
    }
    if (address->sa_family == AF_INET6) {
        auto const* in6 = reinterpret_cast<sockaddr_in6 const*>(address);
        put16(out, type);
        put16(out, 20);
        put16(out, 2);
        put16(out, ntohs(in6->sin6_port));
        out.append(reinterpret_cast<const char*>(&in6->sin6_addr), 16);
        return true;
    }
    return false;
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
