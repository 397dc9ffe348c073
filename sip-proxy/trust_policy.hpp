#pragma once
// Which previous hops are trusted (RFC 3325 §2.3 "Trust Domain"). Classified once per
// request at the front door, like repro's IsTrustedNode; later steps only read the verdict.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::sip_proxy {

// Where a request came from, as the wire layer saw it.
struct SourceInfo {
    std::string address;  // numeric IP ("127.0.0.1", "::1")
    enum class Transport { udp, tcp, tls, other } transport = Transport::udp;
    // Names from the peer's verified TLS certificate (subjectAltName DNS / CN).
    std::vector<std::string> tls_names;
};

struct Trust {
    bool trusted = false;
    std::string peer;  // the source, for logs ("127.0.0.1" or "tls:sbc.example.com")
};

class TrustedPeers {
  public:
    // Entries: "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "tls:sbc.example.com".
    // Throws std::invalid_argument naming the bad entry.
    explicit TrustedPeers(const std::vector<std::string>& entries = {});

    Trust classify(const SourceInfo& source) const;
    // For a next hop named by a URI host: trusted when it is a listed address or TLS name.
    bool host_is_trusted(std::string_view host) const;

  private:
    struct Network {
        std::array<std::uint8_t, 16> bytes{};
        int prefix = 0;
        bool v6 = false;
    };
    static std::optional<Network> parse_address(std::string_view text);
    bool address_matches(std::string_view address) const;

    std::vector<Network> networks_;
    std::vector<std::string> tls_names_;  // lower-cased
};

}  // namespace cusax::sip_proxy
