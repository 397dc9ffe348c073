#pragma once
// Whether Sofia-SIP's resolver (sres) can reach any nameserver, checked before a request whose
// next hop is a host name is handed to NTA.
//
// Why: with Debian's Sofia-SIP 1.12.11, when no configured nameserver can be connected to at
// all (connect() on the UDP socket fails at once: ENETUNREACH, EHOSTUNREACH, e.g. a network
// namespace with only loopback, or a host whose only route is down), sres_send_dns_query()
// retries that server forever inside the sres_query() that nta_msg_tsend() calls: the event
// loop never gets control back, the CPU spins and SIGTERM is never acted on. The cause is in
// sres_next_server(): its guard `dns_error + DNS_ERROR_TIMEOUT < now && dns_error !=
// SRES_TIME_MAX` overflows a signed time_t for the SRES_TIME_MAX mark that a failed connect()
// sets, and the compiler, allowed to assume no overflow, dropped the `!= SRES_TIME_MAX` test
// (seen in the disassembly of libsofia-sip-ua.so.0): the mark is reset to 0 and the same dead
// server is picked again. No resolver option (timeouts, attempts, rotate) is consulted on that
// path, so the only safe course above the library is not to start a query that would spin.
//
// The check mirrors what sres reads: the "nameserver" lines of /etc/resolv.conf (the first
// SRES_MAX_NAMESERVERS = 6 valid addresses; none gives 127.0.0.1), each tried the way sres
// does, with a UDP socket and connect() (a route look-up, no packet sent). It costs a socket(),
// a connect() and a close() per nameserver per host-name request, and a stat() of the file;
// requests routed to IP addresses, the usual case, never get here.
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

// The nameservers sres takes from resolv.conf text (port 53), in order, at most 6; when the
// text names none, 127.0.0.1 as sres does.
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
