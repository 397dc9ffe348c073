#include "sip-proxy/dns_reachability.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace cusax::sip_proxy;

namespace {

std::string texts(const std::vector<Nameserver>& servers) {
    std::string out;
    for (const auto& ns : servers) out += (out.empty() ? "" : ",") + ns.text;
    return out;
}

}  // namespace

TEST(ResolvConf, NameserversInOrderAsSresReadsThem) {
    const auto servers = parse_resolv_conf(
        "# generated\n"
        "search example.com\n"
        "nameserver 10.255.255.53\n"
        "  NameServer\t192.0.2.1   # trailing comment\n"
        "nameserver 2001:db8::53 ; other comment style\n"
        "nameserver not-an-address\n"
        "nameserver 10.0.0.1 10.0.0.2\n"
        "options timeout:1 attempts:1\r\n");
    EXPECT_EQ(texts(servers), "10.255.255.53,192.0.2.1,2001:db8::53");
    ASSERT_EQ(servers.size(), 3u);
    EXPECT_EQ(servers[0].address.ss_family, AF_INET);
    EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in&>(servers[0].address).sin_port), 53);
    EXPECT_EQ(servers[2].address.ss_family, AF_INET6);
}

TEST(ResolvConf, AtMostSixLikeSres) {
    std::string text;
    for (int i = 1; i <= 8; ++i) text += "nameserver 192.0.2." + std::to_string(i) + "\n";
    EXPECT_EQ(parse_resolv_conf(text).size(), 6u);
}

TEST(ResolvConf, NoneGivesLocalhost) {
    EXPECT_EQ(texts(parse_resolv_conf("")), "127.0.0.1");
    EXPECT_EQ(texts(parse_resolv_conf("search example.com\n#nameserver 10.0.0.1\n")), "127.0.0.1");
}

TEST(DnsReachability, LoopbackIsRoutableAnUnusableFamilyIsNot) {
    // Loopback always has a route; an AF_UNSPEC entry cannot be connected to.
    EXPECT_TRUE(any_nameserver_routable(parse_resolv_conf("nameserver 127.0.0.53\n")));
    std::vector<Nameserver> none(1);
    none[0].length = sizeof(sockaddr_in);
    EXPECT_FALSE(any_nameserver_routable(none));
    EXPECT_FALSE(any_nameserver_routable({}));
}

TEST(DnsReachability, RereadsTheFileWhenItChanges) {
    char path[] = "/tmp/cusax-resolv-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    { std::ofstream(path) << "nameserver 127.0.0.2\n"; }
    DnsReachability dns(path);
    EXPECT_TRUE(dns.reachable());
    EXPECT_EQ(texts(dns.nameservers()), "127.0.0.2");
    { std::ofstream(path) << "nameserver 127.0.0.3\nnameserver 127.0.0.4\n"; }
    // A new modification time (the same second would not be seen, as with sres).
    struct timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(1), 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, path, times, 0), 0);
    EXPECT_TRUE(dns.reachable());
    EXPECT_EQ(texts(dns.nameservers()), "127.0.0.3,127.0.0.4");
    std::remove(path);
}

TEST(HostNeedsDns, NamesDoAddressesDoNot) {
    EXPECT_TRUE(host_needs_dns("nexthop.example.com"));
    EXPECT_TRUE(host_needs_dns("localhost"));
    EXPECT_TRUE(host_needs_dns("1.2.3.4.example"));
    EXPECT_FALSE(host_needs_dns("127.0.0.1"));
    EXPECT_FALSE(host_needs_dns("::1"));
    EXPECT_FALSE(host_needs_dns("[2001:db8::1]"));
    EXPECT_FALSE(host_needs_dns(""));
}
