#pragma once
// Whether Sofia-SIP's resolver (sres) can reach any nameserver, checked before a request whose
// next hop is a host name is handed to NTA.
// Why: Sofia-SIP's resolver retries an unroutable nameserver for ever inside nta_msg_tsend,
// so the loop stalls; a request that would start such a query is answered with a 503 instead.
// The cause, and what this check mirrors and costs: docs/sip-proxy-internals.md.
#include <sys/socket.h>

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::sip_proxy {

struct Nameserver {
    sockaddr_storage address{};
    socklen_t length = 0;
    std::string text;  // as written in the file, for log lines
};

// The nameservers sres takes from resolv.conf text (port 53), in order, as many as sres
// keeps; when the text names none, 127.0.0.1 as sres does.
std::vector<Nameserver> parse_resolv_conf(std::string_view text);

// True when at least one of them can be connected to (a UDP connect(): a route exists).
bool any_nameserver_routable(const std::vector<Nameserver>& servers);

// True when a URI host (or maddr) needs DNS: not an IPv4 address, IPv6 address or reference.
bool host_needs_dns(std::string_view host);

class DnsReachability {
  public:
    explicit DnsReachability(std::string resolv_conf = "/etc/resolv.conf");

    // Rereads the file when its modification time changed (as sres does), then probes.
    bool reachable();
    const std::vector<Nameserver>& nameservers() const { return servers_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::vector<Nameserver> servers_;
    std::time_t modified_ = -1;
};

}  // namespace cusax::sip_proxy
