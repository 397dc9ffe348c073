#include "shared/config/validators.hpp"

#include <gtest/gtest.h>

#include "shared/config/suggest.hpp"

namespace cusax::config {
namespace {

TEST(Validators, SipUris) {
    for (const auto* ok : {"sip:127.0.0.1", "sip:127.0.0.1:5060", "sips:sip.example.com:5061",
                           "sip:[::1]:5070", "sip:[2001:db8::1]", "sip:proxy.example.com;lr",
                           "sip:127.0.0.1:5070;transport=tcp", "sip:kamailio"}) {
        EXPECT_EQ(validators::sip_uri(ok), "") << ok;
    }
    EXPECT_EQ(validators::sip_uri("127.0.0.1:5060"),
              "not a sip: or sips: URI (expected sip:HOST[:PORT][;param=value] or sips:...)");
    EXPECT_EQ(validators::sip_uri("sip:alice@example.com"),
              "a user part is not allowed here (expected sip:HOST[:PORT][;param=value] or "
              "sips:...)");
    EXPECT_EQ(validators::sip_uri("sip:127.0.0.1:0"), "port must be a number between 1 and 65535");
    EXPECT_EQ(validators::sip_uri("sip:127.0.0.1:70000"),
              "port must be a number between 1 and 65535");
    EXPECT_EQ(validators::sip_uri("sip:127.0.0.1:"), "empty port");
    EXPECT_EQ(validators::sip_uri("sip:[::1"), "unterminated [IPv6] address");
    EXPECT_EQ(validators::sip_uri("sip:[example.com]"), "not an IPv6 address between [ and ]");
    EXPECT_EQ(validators::sip_uri("sip:::1"), "IPv6 addresses go between [ and ] (sip:[::1]:5060)");
    EXPECT_EQ(validators::sip_uri("sip:2001:db8::1"),
              "IPv6 addresses go between [ and ] (sip:[::1]:5060)");
    EXPECT_EQ(validators::sip_uri("sip:a_b"), "host is not a domain name or an IP address");
    EXPECT_EQ(validators::sip_uri("sip::5060"),
              "missing host (expected sip:HOST[:PORT][;param=value] or sips:...)");
    EXPECT_NE(validators::sip_uri("sip:"), "");
    EXPECT_NE(validators::sip_uri("sip:host;"), "");
    EXPECT_NE(validators::sip_uri("sip:host;a=b=c"), "");
    EXPECT_NE(validators::sip_uri("sip:ho st"), "");
    EXPECT_NE(validators::sip_uri("sip:*:5060"), "");
    EXPECT_EQ(validators::sip_listen_uri("sip:*:5060"), "");
    EXPECT_EQ(validators::optional_sip_uri(""), "");
    EXPECT_NE(validators::optional_sip_uri("x"), "");
}

TEST(Validators, DomainNames) {
    for (const auto* ok : {"localhost", "sip.example.com", "xn--bcher-kva.example", "a-b.c1"}) {
        EXPECT_EQ(validators::domain_name(ok), "") << ok;
    }
    for (const auto* bad :
         {"", ".", "a..b", "-a.com", "a-.com", "a.com.", "a_b.com", "a b", "bücher.example"}) {
        EXPECT_NE(validators::domain_name(bad), "") << bad;
    }
    EXPECT_EQ(validators::domain_name(std::string(63, 'a') + ".com"), "");
    EXPECT_NE(validators::domain_name(std::string(64, 'a') + ".com"), "");
    std::string long_name;
    for (int i = 0; i < 64; ++i) long_name += "abc.";
    EXPECT_NE(validators::domain_name(long_name + "com"), "");
}

TEST(Validators, TrustedPeers) {
    for (const auto* ok : {"127.0.0.1", "10.0.0.0/8", "192.0.2.0/24", "0.0.0.0/0", "::1",
                           "2001:db8::/32", "2001:db8::1/128", "tls:kamailio.example.com"}) {
        EXPECT_EQ(validators::trusted_peer(ok), "") << ok;
    }
    EXPECT_EQ(validators::trusted_peer("10.0.0.1/8"),
              "host bits set after the network prefix (write the network address, e.g. "
              "10.0.0.0/8)");
    EXPECT_EQ(validators::trusted_peer("10.0.0.0/33"), "network prefix must be 0 to 32");
    EXPECT_EQ(validators::trusted_peer("::/129"), "network prefix must be 0 to 128");
    EXPECT_EQ(validators::trusted_peer("10.0.0.0/"), "network prefix must be 0 to 32");
    EXPECT_EQ(validators::trusted_peer("tls:"),
              "tls:NAME needs a domain name, the name in the peer's certificate");
    EXPECT_NE(validators::trusted_peer("10.0.0"), "");
    EXPECT_NE(validators::trusted_peer("256.0.0.1"), "");
    EXPECT_NE(validators::trusted_peer("kamailio.example.com"), "");
    EXPECT_NE(validators::trusted_peer("2001:db8::1/64"), "");
}

TEST(Validators, SipMethods) {
    EXPECT_EQ(validators::sip_method("INVITE"), "");
    EXPECT_EQ(validators::sip_method("MESSAGE"), "");
    EXPECT_EQ(validators::sip_method("invite"),
              "SIP methods are case-sensitive: write them in upper case (INVITE)");
    EXPECT_EQ(validators::sip_method("IN VITE"), "not a SIP method name");
}

TEST(Suggest, EditDistance) {
    EXPECT_EQ(edit_distance("level", "level"), 0u);
    EXPECT_EQ(edit_distance("levle", "level"), 1u);  // one transposition
    EXPECT_EQ(edit_distance("lvel", "level"), 1u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestName) {
    const std::vector<std::string> keys{"level", "format", "file", "stats_interval", "stats_dir"};
    EXPECT_EQ(closest_name("levle", keys), "level");
    EXPECT_EQ(closest_name("LEVEL", keys), "level");
    EXPECT_EQ(closest_name("stats_dri", keys), "stats_dir");
    EXPECT_EQ(closest_name("stat_interval", keys), "stats_interval");
    EXPECT_EQ(closest_name("colour", keys), std::nullopt);
    EXPECT_EQ(closest_name("fil", keys), "file");
    EXPECT_EQ(closest_name("xy", keys), std::nullopt);
    // First word of exactly one name.
    EXPECT_EQ(closest_name("stats", keys), std::nullopt);  // two candidates
    const std::vector<std::string> sections{"log", "store", "sip-proxy", "xmpp-component"};
    EXPECT_EQ(closest_name("xmpp", sections), "xmpp-component");
    EXPECT_EQ(closest_name("sip", sections), "sip-proxy");
    EXPECT_EQ(closest_name("sip_proxy", sections), "sip-proxy");
}

}  // namespace
}  // namespace cusax::config
