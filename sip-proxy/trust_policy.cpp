#include "sip-proxy/trust_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

namespace {

std::string_view strip_brackets(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

}  // namespace

std::optional<TrustedPeers::Network> TrustedPeers::parse_address(std::string_view text) {
    Network net;
    std::string addr(strip_brackets(text));
    int prefix = -1;
    if (auto slash = addr.find('/'); slash != std::string::npos) {
        std::string bits = addr.substr(slash + 1);
        addr.resize(slash);
        if (bits.empty() || bits.size() > 3 ||
            !std::all_of(bits.begin(), bits.end(), [](unsigned char c) { return std::isdigit(c); }))
            return std::nullopt;
        prefix = std::stoi(bits);
    }
    if (inet_pton(AF_INET, addr.c_str(), net.bytes.data()) == 1) {
        net.v6 = false;
        net.prefix = prefix < 0 ? 32 : prefix;
        if (net.prefix > 32) return std::nullopt;
    } else if (inet_pton(AF_INET6, addr.c_str(), net.bytes.data()) == 1) {
        net.v6 = true;
        net.prefix = prefix < 0 ? 128 : prefix;
        if (net.prefix > 128) return std::nullopt;
    } else {
        return std::nullopt;
    }
    return net;
}

TrustedPeers::TrustedPeers(const std::vector<std::string>& entries) {
    for (const auto& entry : entries) {
        if (entry.rfind("tls:", 0) == 0) {
            if (entry.size() == 4)
                throw std::invalid_argument("trusted peer \"tls:\" names no host");
            tls_names_.push_back(text::ascii_lower(entry.substr(4)));
            continue;
        }
        auto net = parse_address(entry);
        if (!net)
            throw std::invalid_argument("trusted peer \"" + entry +
                                        "\" is not an address, a network (a.b.c.d/n) or tls:NAME");
        networks_.push_back(*net);
    }
}

bool TrustedPeers::address_matches(std::string_view address) const {
    auto parsed = parse_address(address);
    if (!parsed) return false;
    auto bytes = parsed->bytes;
    bool v6 = parsed->v6;
    // An IPv4-mapped IPv6 source (::ffff:a.b.c.d) matches IPv4 entries.
    static constexpr std::array<std::uint8_t, 12> mapped = {0, 0, 0, 0, 0,    0,
                                                            0, 0, 0, 0, 0xff, 0xff};
    if (v6 && std::equal(mapped.begin(), mapped.end(), bytes.begin())) {
        std::array<std::uint8_t, 16> v4{};
        std::copy(bytes.begin() + 12, bytes.end(), v4.begin());
        bytes = v4;
        v6 = false;
    }
    for (const auto& net : networks_) {
        if (net.v6 != v6) continue;
        int bits = net.prefix;
        bool match = true;
        for (int i = 0; bits > 0; ++i, bits -= 8) {
            std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
            if ((bytes[i] & mask) != (net.bytes[i] & mask)) {
                match = false;
                break;
            }
        }
        if (match) return true;
    }
    return false;
}

Trust TrustedPeers::classify(const SourceInfo& source) const {
    Trust verdict;
    verdict.peer = source.address;
    if (address_matches(source.address)) {
        verdict.trusted = true;
        return verdict;
    }
    // A TLS name counts only over TLS, and only names from a verified certificate are given.
    if (source.transport == SourceInfo::Transport::tls) {
        for (const auto& name : source.tls_names) {
            if (std::find(tls_names_.begin(), tls_names_.end(), text::ascii_lower(name)) !=
                tls_names_.end()) {
                verdict.trusted = true;
                verdict.peer = "tls:" + text::ascii_lower(name);
                return verdict;
            }
        }
    }
    return verdict;
}

bool TrustedPeers::host_is_trusted(std::string_view host) const {
    if (address_matches(strip_brackets(host))) return true;
    return std::find(tls_names_.begin(), tls_names_.end(), text::ascii_lower(host)) !=
           tls_names_.end();
}

}  // namespace cusax::sip_proxy
