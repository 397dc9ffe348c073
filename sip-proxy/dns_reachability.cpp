#include "sip-proxy/dns_reachability.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

namespace {

constexpr std::size_t kMaxNameservers = 6;  // SRES_MAX_NAMESERVERS
constexpr std::uint16_t kDnsPort = 53;

bool parse_address(const std::string& text, Nameserver& out) {
    // sres: a ':' makes it IPv6, else IPv4; inet_pton decides, invalid ones are skipped.
    if (text.find(':') != std::string::npos) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(kDnsPort);
        if (inet_pton(AF_INET6, text.c_str(), &sin6.sin6_addr) != 1) return false;
        std::memcpy(&out.address, &sin6, sizeof sin6);
        out.length = sizeof sin6;
    } else {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(kDnsPort);
        if (inet_pton(AF_INET, text.c_str(), &sin.sin_addr) != 1) return false;
        std::memcpy(&out.address, &sin, sizeof sin);
        out.length = sizeof sin;
    }
    out.text = text;
    return true;
}

}  // namespace

std::vector<Nameserver> parse_resolv_conf(std::string_view text) {
    std::vector<Nameserver> servers;
    std::size_t pos = 0;
    while (pos < text.size() && servers.size() < kMaxNameservers) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        // As sres_parse_config: leading blanks skipped, '#' or ';' starts a comment.
        line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
        line = line.substr(0, line.find_first_of("#;"));
        while (!line.empty() && std::strchr(" \t\r\n", line.back())) line.remove_suffix(1);
        const std::size_t key_end = std::min(line.find_first_of(" \t"), line.size());
        if (!text::iequals(line.substr(0, key_end), "nameserver")) continue;
        std::string_view value = line.substr(key_end);
        value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
        Nameserver ns;
        if (parse_address(std::string(value), ns)) servers.push_back(std::move(ns));
    }
    if (servers.empty()) {
        Nameserver local;
        parse_address("127.0.0.1", local);
        servers.push_back(std::move(local));
    }
    return servers;
}

bool any_nameserver_routable(const std::vector<Nameserver>& servers) {
    for (const auto& ns : servers) {
        const int s = ::socket(ns.address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
        if (s < 0) continue;
        const bool ok =
            ::connect(s, reinterpret_cast<const sockaddr*>(&ns.address), ns.length) == 0;
        ::close(s);
        if (ok) return true;
    }
    return false;
}

bool host_needs_dns(std::string_view host) {
    if (host.empty()) return false;
    std::string h(host);
    if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    in6_addr a6{};
    in_addr a4{};
    return inet_pton(AF_INET, h.c_str(), &a4) != 1 && inet_pton(AF_INET6, h.c_str(), &a6) != 1;
}

DnsReachability::DnsReachability(std::string resolv_conf) : path_(std::move(resolv_conf)) {}

bool DnsReachability::reachable() {
    struct stat st {};
    // A missing file keeps what was read before (sres does the same), or gives 127.0.0.1.
    const std::time_t modified = ::stat(path_.c_str(), &st) == 0 ? st.st_mtime : modified_;
    if (servers_.empty() || modified != modified_) {
        std::ifstream in(path_);
        std::stringstream text;
        if (in) text << in.rdbuf();
        servers_ = parse_resolv_conf(text.str());
        modified_ = modified;
    }
    return any_nameserver_routable(servers_);
}

}  // namespace cusax::sip_proxy
