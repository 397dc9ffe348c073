#pragma once
// Host names to addresses, bounded: getaddrinfo itself waits as long as /etc/resolv.conf lets
// it (several seconds per server and attempt), so a name is looked up on a thread of its own
// and doctor stops waiting at the deadline. An IP literal never touches DNS.
#include <cstdint>
#include <string>
#include <vector>

#include "cusaxctl/doctor/net_basics.hpp"

namespace cusax::ctl::doctor {

// The addresses of `host` (a name, an IPv4 or an IPv6 literal without brackets) for `port`
// and socket `type`. Throws NetError(lookup) when it does not resolve, NetError(timeout) when
// the resolver has not answered by the deadline.
std::vector<SocketAddress> resolve(const std::string& host, std::uint16_t port, int type,
                                   Deadline deadline);

}  // namespace cusax::ctl::doctor
