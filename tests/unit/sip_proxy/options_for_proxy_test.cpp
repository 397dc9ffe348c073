// RFC 3261 §11 on wire text: which OPTIONS are asked of the proxy itself, with the one
// is-ours check (sent_by.hpp) deciding what names the proxy.
#include "sip-proxy/options_for_proxy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

const std::vector<SentBy> kOurs = {{"127.0.0.1", "5080", "udp"}, {"127.0.0.1", "5080", "tcp"}};

std::string options(const std::string& uri, const std::string& extra = "") {
    return "OPTIONS " + uri +
           " SIP/2.0\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-probe\n"
           "Max-Forwards: 70\nTo: <" +
           uri +
           ">\n"
           "From: <sip:dispatcher@localhost>;tag=d1\nCall-ID: probe-1\nCSeq: 1 OPTIONS\n" +
           extra + "Content-Length: 0\n\n";
}

bool for_proxy(const std::string& text) {
    auto p = test::parse(text);
    return is_options_for_this_proxy(p.sip, kOurs);
}

TEST(OptionsForProxy, TheProxysOwnAddressWithOrWithoutAUser) {
    EXPECT_TRUE(for_proxy(options("sip:127.0.0.1:5080")));
    EXPECT_TRUE(for_proxy(options("sip:ping@127.0.0.1:5080")));
    EXPECT_TRUE(for_proxy(options("sip:127.0.0.1:5080;transport=udp")));
    EXPECT_FALSE(for_proxy(options("sip:127.0.0.1:5081")));
    EXPECT_FALSE(for_proxy(options("sip:127.0.0.2:5080")));
    EXPECT_FALSE(for_proxy(options("sip:127.0.0.1"))) << "no port is 5060, not ours";
    EXPECT_FALSE(for_proxy(options("sip:bob@example.com")));
}

// RFC 6761 §6.3: localhost is the loopback host, so localhost:5080 is this proxy's port.
TEST(OptionsForProxy, ThePortUnderTheNameLocalhost) {
    EXPECT_TRUE(for_proxy(options("sip:localhost:5080")));
    EXPECT_TRUE(for_proxy(options("sip:LocalHost.:5080")));
    EXPECT_FALSE(for_proxy(options("sip:localhost:5081")));
    EXPECT_FALSE(for_proxy(options("sip:localhost.example.com:5080")));
}

// §16.4: Route values naming the proxy are removed: with only those, nobody else is asked.
TEST(OptionsForProxy, RoutesNamingOnlyTheProxy) {
    EXPECT_TRUE(for_proxy(options("sip:127.0.0.1:5080", "Route: <sip:127.0.0.1:5080;lr>\n")));
    EXPECT_TRUE(for_proxy(options("sip:127.0.0.1:5080",
                                  "Route: <sip:localhost:5080;lr>, <sip:127.0.0.1:5080;lr>\n")));
    EXPECT_FALSE(for_proxy(options("sip:127.0.0.1:5080",
                                   "Route: <sip:127.0.0.1:5080;lr>, <sip:hop.example.com;lr>\n")));
    EXPECT_FALSE(for_proxy(options("sip:127.0.0.1:5080", "Route: <sip:hop.example.com;lr>\n")));
    EXPECT_FALSE(for_proxy(options("sip:bob@example.com", "Route: <sip:127.0.0.1:5080;lr>\n")));
}

TEST(OptionsForProxy, OnlyOptions) {
    std::string text = options("sip:127.0.0.1:5080");
    for (std::size_t at; (at = text.find("OPTIONS")) != std::string::npos;)
        text.replace(at, 7, "MESSAGE");
    EXPECT_FALSE(for_proxy(text));
}

// The one is-ours check: hosts by value, and localhost as its loopback addresses only.
TEST(SentBy, HostsCompareByValueAndLocalhostIsLoopback) {
    const std::vector<SentBy> v6 = {{"[::1]", "5080", "udp"}};
    EXPECT_TRUE(is_sent_by_us(v6, "[0:0:0:0:0:0:0:1]", "5080"));
    EXPECT_TRUE(is_sent_by_us(v6, "localhost", "5080"));
    EXPECT_FALSE(is_sent_by_us(v6, "[::2]", "5080"));
    const std::vector<SentBy> named = {{"localhost", "5080", "udp"}};
    EXPECT_TRUE(is_sent_by_us(named, "127.0.0.1", "5080"));
    EXPECT_TRUE(is_sent_by_us(named, "[::1]", "5080"));
    EXPECT_FALSE(is_sent_by_us(named, "127.0.0.2", "5080"));
    const std::vector<SentBy> other = {{"127.0.0.2", "5080", "udp"}};
    EXPECT_FALSE(is_sent_by_us(other, "localhost", "5080"));
    EXPECT_TRUE(is_sent_by_us(other, "127.0.0.2", "5080"));
    EXPECT_FALSE(is_sent_by_us(other, "127.0.0.2", "5081"));
}

}  // namespace
}  // namespace cusax::sip_proxy
