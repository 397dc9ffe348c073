#pragma once
// Who a request comes from, as the limits count it (attempt_limiter.hpp, connection_table.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::provisioning {

// The key of a source address: an IPv4 address as written; an IPv6 address as its /64 network
// ("2001:db8:1:2::/64"), since one host commonly holds a whole /64 and would otherwise get a
// fresh limit per address; an IPv4-mapped IPv6 address as its IPv4 address. nullopt when the
// text is no address.
std::optional<std::string> address_key(std::string_view address);

// Whether the address is one of `list` (IPv4 or IPv6 addresses, compared in full).
bool listed_address(std::string_view address, const std::vector<std::string>& list);

// Behind TLS terminators (plain_http_from), the client is the last entry of X-Forwarded-For,
// the one the terminator appended (earlier entries are the client's own word). The peer must be
// one of `terminators`; nullopt when it is not, or the header holds no address last.
std::optional<std::string> forwarded_client(std::string_view peer, std::string_view forwarded_for,
                                            const std::vector<std::string>& terminators);

}  // namespace cusax::provisioning
