#pragma once
// Wire layer: datagrams the kernel dropped at the proxy's own UDP sockets, nearly always
// because the receive buffer was full. Sofia-SIP never sees them, so no counter of ours can;
// the kernel counts them per socket in the last column of /proc/net/udp (and udp6), where the
// proxy's sockets are found by their inodes (socket_buffers.hpp). Read when /metrics is asked
// for, on the metrics server's thread: a file read, nothing shared with the su_root loop.
#include <sofia-sip/nta.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shared/metrics/metric_doc.hpp"
#include "shared/metrics/text_format.hpp"

namespace cusax::sip_proxy {

struct WatchedSocket {
    std::string address;  // "127.0.0.1:5060", the series' label
    std::uint64_t inode = 0;
};

// The agent's UDP sockets, found once after it has bound them.
std::vector<WatchedSocket> udp_sockets_to_watch(nta_agent_t* agent);

// Drops per socket inode from the text of /proc/net/udp or /proc/net/udp6; a line that does
// not read as a socket is skipped.
std::map<std::uint64_t, std::uint64_t> parse_udp_drops(std::string_view table);

// cusax_udp_receive_drops_total, one series per watched socket found in `proc_net`/udp or
// `proc_net`/udp6 ("/proc/net" outside tests).
metrics::Family udp_drop_family(const std::vector<WatchedSocket>& sockets,
                                const std::string& proc_net = "/proc/net");

const metrics::MetricDoc& udp_drops_doc();

}  // namespace cusax::sip_proxy
