#include "provisioning/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "shared/text/trim.hpp"

namespace cusax::provisioning {
namespace {

std::optional<std::array<unsigned char, 16>> ipv6_bytes(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    std::array<unsigned char, 16> bytes{};
    const std::string copy(text);
    if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) != 1) return std::nullopt;
    return bytes;
}

std::optional<std::string> ipv4_text(const unsigned char* bytes) {
    char out[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, bytes, out, sizeof out)) return std::nullopt;
    return std::string(out);
}

// The address in one spelling (IPv4-mapped IPv6 as IPv4), keeping only the first
// `ipv6_prefix_bytes` of an IPv6 address (the rest zero); "/64" appended when cut.
std::optional<std::string> canonical(std::string_view address, std::size_t ipv6_prefix_bytes) {
    if (!address.empty() && address.size() < INET_ADDRSTRLEN) {
        std::array<unsigned char, 4> v4{};
        const std::string copy(address);
        if (inet_pton(AF_INET, copy.c_str(), v4.data()) == 1) return ipv4_text(v4.data());
    }
    auto v6 = ipv6_bytes(address);
    if (!v6) return std::nullopt;
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(std::begin(mapped), std::end(mapped), v6->begin())) {
        return ipv4_text(v6->data() + 12);
    }
    std::fill(v6->begin() + static_cast<std::ptrdiff_t>(ipv6_prefix_bytes), v6->end(), 0);
    char out[INET6_ADDRSTRLEN];
    if (!inet_ntop(AF_INET6, v6->data(), out, sizeof out)) return std::nullopt;
    return ipv6_prefix_bytes < 16 ? std::string(out) + "/64" : std::string(out);
}

}  // namespace

std::optional<std::string> address_key(std::string_view address) { return canonical(address, 8); }

bool listed_address(std::string_view address, const std::vector<std::string>& list) {
    const auto full = canonical(address, 16);
    if (!full) return false;
    for (const auto& item : list)
        if (canonical(item, 16) == full) return true;
    return false;
}

std::optional<std::string> forwarded_client(std::string_view peer, std::string_view forwarded_for,
                                            const std::vector<std::string>& terminators) {
    // The terminator itself is compared in full, not by its /64.
    if (!listed_address(peer, terminators)) return std::nullopt;
    const auto comma = forwarded_for.rfind(',');
    const auto last = text::trim_whitespace(
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    return address_key(last);
}

}  // namespace cusax::provisioning
