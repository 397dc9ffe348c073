#include "sip-proxy/trust_policy.hpp"

#include <gtest/gtest.h>

namespace cusax::sip_proxy {
namespace {

SourceInfo from(std::string address, SourceInfo::Transport t = SourceInfo::Transport::udp,
                std::vector<std::string> names = {}) {
    SourceInfo s;
    s.address = std::move(address);
    s.transport = t;
    s.tls_names = std::move(names);
    return s;
}

TEST(TrustedPeersTest, AddressesAndNetworks) {
    TrustedPeers peers({"127.0.0.1", "10.1.0.0/16", "fd00::/8"});
    EXPECT_TRUE(peers.classify(from("127.0.0.1")).trusted);
    EXPECT_FALSE(peers.classify(from("127.0.0.2")).trusted);
    EXPECT_TRUE(peers.classify(from("10.1.200.3")).trusted);
    EXPECT_FALSE(peers.classify(from("10.2.0.1")).trusted);
    EXPECT_TRUE(peers.classify(from("fd12::1")).trusted);
    EXPECT_FALSE(peers.classify(from("fe80::1")).trusted);
    EXPECT_TRUE(peers.classify(from("::ffff:127.0.0.1")).trusted);  // v4-mapped
    EXPECT_EQ(peers.classify(from("127.0.0.2")).peer, "127.0.0.2");
}

TEST(TrustedPeersTest, TlsNamesOnlyOverTls) {
    TrustedPeers peers({"tls:SBC.example.com"});
    EXPECT_TRUE(
        peers.classify(from("192.0.2.1", SourceInfo::Transport::tls, {"sbc.example.com"})).trusted);
    EXPECT_FALSE(
        peers.classify(from("192.0.2.1", SourceInfo::Transport::tcp, {"sbc.example.com"})).trusted);
    EXPECT_FALSE(
        peers.classify(from("192.0.2.1", SourceInfo::Transport::tls, {"other.example"})).trusted);
}

TEST(TrustedPeersTest, EmptyListTrustsNobody) {
    TrustedPeers peers;
    EXPECT_FALSE(peers.classify(from("127.0.0.1")).trusted);
}

TEST(TrustedPeersTest, BadEntriesAreRefused) {
    EXPECT_THROW(TrustedPeers({"not-an-address"}), std::invalid_argument);
    EXPECT_THROW(TrustedPeers({"10.0.0.0/33"}), std::invalid_argument);
    EXPECT_THROW(TrustedPeers({"tls:"}), std::invalid_argument);
}

TEST(TrustedPeersTest, NextHopHosts) {
    TrustedPeers peers({"127.0.0.1", "tls:core.example.com"});
    EXPECT_TRUE(peers.host_is_trusted("127.0.0.1"));
    EXPECT_TRUE(peers.host_is_trusted("core.example.com"));
    EXPECT_FALSE(peers.host_is_trusted("127.0.0.2"));
    EXPECT_FALSE(peers.host_is_trusted("[::1]"));
}

}  // namespace
}  // namespace cusax::sip_proxy
