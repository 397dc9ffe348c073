// What the real proxy on 127.0.0.1 (proxy_fixture.hpp) does with a hop's transport, with
// requests sent to itself, and with requests that may go no further.
#include <gtest/gtest.h>

#include "proxy_fixture.hpp"
#include "request_text.hpp"

namespace cusax::sip_proxy {
namespace {

using test::header;
using test::InProcessProxy;
using test::Request;
using test::start_line;
using test::UdpPeer;
using test::wire;

// RFC 7081 §7, RFC 3261 §26.2.2: a sips: target whose next hop names ;transport=udp would
// leave in the clear (Sofia-SIP lets the parameter win): refused, whether the hop is a Route,
// the configured next hop or the Request-URI itself.
TEST(HopRules, SipsWithAPlainTransportParameterIsRefused) {
    UdpPeer caller, hop;
    const std::string clear = hop.host_port() + ";transport=udp";
    const std::vector<std::pair<std::string, Request>> cases = {
        {"", Request().with_headers("Route: <sips:" + clear + ";lr>\n")},
        {"sips:" + clear, Request()},
        {"", Request().with_uri("sips:bob@" + clear)},
        {"", Request().with_uri("sips:bob@example.com;maddr=127.0.0.1;transport=tcp")},
    };
    for (const auto& [next_hop, r] : cases) {
        ProxySettings settings;
        settings.next_hop = next_hop;
        InProcessProxy proxy(settings);
        Request sips = r;
        if (sips.uri.rfind("sips:", 0) != 0) sips.uri = "sips:bob@example.com";
        proxy.send(caller, wire(caller, sips));
        auto answer = proxy.next_datagram(caller);
        ASSERT_TRUE(answer) << "no answer for " << sips.uri << " next hop " << next_hop;
        EXPECT_EQ(start_line(*answer), "SIP/2.0 403 Forbidden") << sips.uri << " " << next_hop;
        EXPECT_EQ(proxy.counter("requests.tls_downgrade_refused"), 1u);
        EXPECT_FALSE(hop.receive()) << "a sips: request reached a hop in the clear";
    }
}

// The reverse: sip:...;transport=tls is a TLS hop; with no TLS listener it cannot be reached
// (503), but the guard does not refuse it.
TEST(HopRules, SipWithTransportTlsCountsAsSecure) {
    UdpPeer caller;
    ProxySettings settings;
    settings.next_hop = "sip:127.0.0.1:5061;transport=tls";
    InProcessProxy proxy(settings);
    proxy.send(caller, wire(caller, Request().with_uri("sips:bob@example.com")));
    auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer);
    EXPECT_EQ(start_line(*answer), "SIP/2.0 503 Service Unavailable");
    EXPECT_EQ(proxy.counter("requests.tls_downgrade_refused"), 0u);
}

// RFC 3261 §16.3 item 3: an ACK with Max-Forwards 0 goes no further, and (§17) an ACK is
// never answered.
TEST(HopRules, AckWithMaxForwardsZeroIsDroppedUnanswered) {
    UdpPeer caller, hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + hop.host_port();
    InProcessProxy proxy(settings);
    proxy.send(caller,
               wire(caller, Request().with_method("ACK").with_max_forwards(0).with_to_tag("b1")));
    // An OPTIONS after it on the same path: once it has come through, the ACK was handled.
    proxy.send(caller, wire(caller, Request().with_method("OPTIONS").with_branch("z9hG4bK-hop-2")));
    auto got = proxy.next_datagram(hop);
    ASSERT_TRUE(got);
    EXPECT_EQ(start_line(*got), "OPTIONS sip:bob@example.com SIP/2.0")
        << "the ACK with Max-Forwards 0 was forwarded";
    EXPECT_FALSE(caller.receive()) << "the ACK was answered";
    // With Max-Forwards 1 it goes on, with 0.
    proxy.send(caller,
               wire(caller, Request().with_method("ACK").with_max_forwards(1).with_to_tag("b1")));
    got = proxy.next_datagram(hop);
    ASSERT_TRUE(got);
    EXPECT_EQ(start_line(*got), "ACK sip:bob@example.com SIP/2.0");
    EXPECT_EQ(header(*got, "Max-Forwards"), "0");
}

// RFC 3261 §11: OPTIONS for the proxy itself, with no Route, is answered by the proxy (a
// dispatcher's probe), with what it allows and accepts; it is not relayed.
TEST(HopRules, OptionsForTheProxyItselfIsAnswered) {
    UdpPeer caller, hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + hop.host_port();
    InProcessProxy proxy(settings);
    const std::string self = "sip:" + proxy.host() + ":" + std::to_string(proxy.port());
    proxy.send(caller, wire(caller, Request().with_method("OPTIONS").with_uri(self)));
    auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer) << "no answer to OPTIONS " << self;
    EXPECT_EQ(start_line(*answer), "SIP/2.0 200 OK");
    auto allow = header(*answer, "Allow");
    ASSERT_TRUE(allow);
    for (const char* method : {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "MESSAGE"})
        EXPECT_NE(allow->find(method), std::string::npos) << *allow;
    EXPECT_TRUE(header(*answer, "Accept"));
    EXPECT_NE(header(*answer, "To").value_or("").find(";tag="), std::string::npos);
    EXPECT_FALSE(hop.receive()) << "the probe was relayed";

    // With a Route it is someone else's: relayed (here as the last hop of a strict router,
    // §16.4, which put our address into the Request-URI).
    proxy.send(caller, wire(caller, Request()
                                        .with_method("OPTIONS")
                                        .with_uri(self)
                                        .with_headers("Route: <sip:" + hop.host_port() + ";lr>\n")
                                        .with_branch("z9hG4bK-hop-2")));
    auto relayed = proxy.next_datagram(hop);
    ASSERT_TRUE(relayed);
    EXPECT_TRUE(start_line(*relayed).starts_with("OPTIONS ")) << *relayed;
    EXPECT_FALSE(caller.receive()) << "an OPTIONS with a Route was answered by the proxy";
    // Another method for the proxy itself is not answered 200 by it.
    proxy.send(
        caller,
        wire(caller, Request().with_method("MESSAGE").with_uri(self).with_branch("z9hG4bK-3")));
    auto other = proxy.next_datagram(hop);
    ASSERT_TRUE(other);
    EXPECT_EQ(start_line(*other), "MESSAGE " + self + " SIP/2.0");
}

// The same probe under other spellings of the proxy's address: its port under the name
// localhost (RFC 6761 §6.3), and with a Route naming only the proxy (§16.4 removes it: this
// is not a strict router's Request-URI). With Max-Forwards 0 it keeps its 483 (§16.3 item 3).
TEST(HopRules, OptionsForTheProxyUnderOtherSpellingsIsAnswered) {
    UdpPeer caller, hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + hop.host_port();
    InProcessProxy proxy(settings);
    const std::string port = std::to_string(proxy.port());
    int n = 0;
    for (const auto& [uri, route] :
         {std::pair<std::string, std::string>{"sip:localhost:" + port, ""},
          {"sip:127.0.0.1:" + port, "Route: <sip:127.0.0.1:" + port + ";lr>\n"},
          {"sip:ping@127.0.0.1:" + port, "Route: <sip:localhost:" + port + ";lr>\n"}}) {
        proxy.send(
            caller,
            wire(caller,
                 Request().with_method("OPTIONS").with_uri(uri).with_headers(route).with_branch(
                     "z9hG4bK-spell-" + std::to_string(++n))));
        auto answer = proxy.next_datagram(caller);
        ASSERT_TRUE(answer) << "no answer to OPTIONS " << uri << " " << route;
        EXPECT_EQ(start_line(*answer), "SIP/2.0 200 OK") << uri << " " << route;
    }
    proxy.send(caller, wire(caller, Request()
                                        .with_method("OPTIONS")
                                        .with_uri("sip:localhost:" + port)
                                        .with_max_forwards(0)
                                        .with_branch("z9hG4bK-spell-mf0")));
    auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer);
    EXPECT_EQ(start_line(*answer), "SIP/2.0 483 Too Many Hops");
    EXPECT_FALSE(hop.receive()) << "a probe was relayed";
}

// §16.4: a Route set naming only the proxy is a loose route to it, not a strict router's doing:
// the Request-URI (with its user part) goes on to the next hop as it came.
TEST(HopRules, ARouteNamingOnlyTheProxyKeepsTheRequestUri) {
    UdpPeer caller, hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + hop.host_port();
    InProcessProxy proxy(settings);
    const std::string self = "127.0.0.1:" + std::to_string(proxy.port());
    proxy.send(
        caller,
        wire(caller,
             Request().with_uri("sip:bob@" + self).with_headers("Route: <sip:" + self + ";lr>\n")));
    auto relayed = proxy.next_datagram(hop);
    ASSERT_TRUE(relayed);
    EXPECT_EQ(start_line(*relayed), "INVITE sip:bob@" + self + " SIP/2.0");
    EXPECT_FALSE(header(*relayed, "Route")) << *relayed;
}

}  // namespace
}  // namespace cusax::sip_proxy
