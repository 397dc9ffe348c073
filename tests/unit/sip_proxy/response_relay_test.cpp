// What the proxy does with responses, through the real proxy on 127.0.0.1
// (proxy_fixture.hpp): the next hop answers what it received, and the caller gets what the
// proxy relays.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proxy_fixture.hpp"
#include "sip-proxy/branch_key.hpp"

namespace cusax::sip_proxy {
namespace {

using test::header;
using test::InProcessProxy;
using test::start_line;
using test::UdpPeer;

std::string invite(const UdpPeer& caller, std::string_view uri, std::string_view branch,
                   std::string_view extra_vias = "") {
    std::string text = "INVITE " + std::string(uri) + " SIP/2.0\n";
    text += "Via: SIP/2.0/UDP " + caller.host_port() + ";branch=" + std::string(branch) + "\n";
    text += std::string(extra_vias);
    text += "Max-Forwards: 70\n";
    text += "From: \"Alice\" <sip:alice@example.com>;tag=a1\n";
    text += "To: <sip:bob@example.com>\n";
    text += "Call-ID: response-test@127.0.0.1\n";
    text += "CSeq: 1 INVITE\n";
    text += "Contact: <sip:alice@" + caller.host_port() + ">\n";
    text += "Content-Length: 0\n\n";
    return text;
}

// Every value of every line named `name` (long form), in order.
std::vector<std::string> header_lines(std::string_view message, std::string_view name) {
    std::vector<std::string> values;
    std::string rest(message);
    while (auto value = header(rest, name)) {
        values.push_back(*value);
        const std::string line = std::string(name) + ": " + *value + "\r\n";
        const auto at = rest.find(line);
        if (at == std::string::npos) break;
        rest.erase(at, line.size());
    }
    return values;
}

// The response a UAS builds for `request` (RFC 3261 §8.2.6.2: Via, From, To, Call-ID and
// CSeq copied), with a To tag and `extra` headers.
std::string answer(std::string_view request, std::string_view status, std::string_view extra = "") {
    std::string text = "SIP/2.0 " + std::string(status) + "\n";
    for (const auto& via : header_lines(request, "Via")) text += "Via: " + via + "\n";
    text += "From: " + *header(request, "From") + "\n";
    text += "To: " + *header(request, "To") + ";tag=b1\n";
    text += "Call-ID: " + *header(request, "Call-ID") + "\n";
    text += "CSeq: " + *header(request, "CSeq") + "\n";
    text += std::string(extra);
    text += "Content-Length: 0\n\n";
    return text;
}

// RFC 7081 §3.5: cusax never inserts an impp Call-Info into a response, so none there is
// genuine, whoever relays it: trust for P-Asserted-Identity is not trust in what a hop relays.
TEST(ResponseRelay, ImppCallInfoIsRemovedFromResponsesOfATrustedHop) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + next_hop.host_port();
    settings.trusted_peers = {"127.0.0.1"};  // the next hop is trusted
    InProcessProxy proxy(settings);

    proxy.send(caller, invite(caller, "sip:bob@example.com", "z9hG4bK-resp-1"));
    auto forwarded = proxy.next_datagram(next_hop);
    ASSERT_TRUE(forwarded);
    next_hop.send_to(proxy.host(), proxy.port(),
                     answer(*forwarded, "180 Ringing",
                            "Call-Info: <xmpp:mallory@evil.example>;purpose=impp\n"
                            "Call-Info: <http://example.com/bob.png>;purpose=icon, "
                            "<xmpp:mallory2@evil.example>;PURPOSE=\"IMPP\"\n"));
    auto relayed = proxy.next_datagram(caller);
    ASSERT_TRUE(relayed) << "the 180 was not relayed";
    EXPECT_EQ(start_line(*relayed), "SIP/2.0 180 Ringing");
    EXPECT_EQ(relayed->find("mallory"), std::string::npos) << *relayed;
    EXPECT_EQ(header(*relayed, "Call-Info"), "<http://example.com/bob.png>;purpose=icon");
    EXPECT_EQ(proxy.counter("call_info.removed_forged"), 2u);
}

// An unparsable Call-Info in a response is removed too: what Sofia cannot read, nobody
// downstream should be asked to believe.
TEST(ResponseRelay, UnparsableCallInfoIsRemovedFromResponses) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + next_hop.host_port();
    InProcessProxy proxy(settings);

    proxy.send(caller, invite(caller, "sip:bob@example.com", "z9hG4bK-resp-2"));
    auto forwarded = proxy.next_datagram(next_hop);
    ASSERT_TRUE(forwarded);
    next_hop.send_to(
        proxy.host(), proxy.port(),
        answer(
            *forwarded, "180 Ringing",
            "Call-Info: \"Mallory, \\\"a friend\\\"\" <xmpp:mallory@evil.example>;purpose=impp\n"));
    auto relayed = proxy.next_datagram(caller);
    ASSERT_TRUE(relayed);
    EXPECT_EQ(relayed->find("mallory"), std::string::npos) << *relayed;
    EXPECT_EQ(proxy.counter("call_info.removed_forged"), 1u);
}

// RFC 3261 §16.11: a response is relayed only when its top Via carries a branch this proxy
// signed. A datagram from anywhere that names us with a look-alike branch is dropped, not
// sent on to the address its next Via names.
TEST(ResponseRelay, ASpoofedResponseFromAnotherPortIsNotRelayed) {
    UdpPeer spoofer, victim;
    ProxySettings settings;
    settings.charge_policy.pstn = ChargeAction::warn;
    InProcessProxy proxy(settings);
    const std::string ours = proxy.host() + ":" + std::to_string(proxy.port());
    for (const std::string branch :
         {"z9hG4bK-cx.0123456789abcdef.0123456789abcdef.pstn.0123456789abcdef0123456789abcdef",
          "z9hG4bK-cx.0123456789abcdef.0123456789abcdef;cusax-cw=pstn"}) {
        spoofer.send_to(proxy.host(), proxy.port(),
                        "SIP/2.0 200 OK\n"
                        "Via: SIP/2.0/UDP " +
                            ours + ";branch=" + branch + "\n" + "Via: SIP/2.0/UDP " +
                            victim.host_port() + ";branch=z9hG4bKv\n" +
                            "From: <sip:alice@example.com>;tag=a1\n"
                            "To: <sip:bob@example.com>;tag=b1\n"
                            "Call-ID: spoofed@127.0.0.1\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
    }
    // A genuine relay after them to the same victim: the proxy reads one socket in order, so
    // when it arrives the spoofed ones have been handled.
    UdpPeer next_hop;
    proxy.send(victim, invite(victim, "sip:bob@" + next_hop.host_port(), "z9hG4bK-resp-3"));
    auto forwarded = proxy.next_datagram(next_hop);
    ASSERT_TRUE(forwarded);
    next_hop.send_to(proxy.host(), proxy.port(), answer(*forwarded, "180 Ringing"));
    auto relayed = proxy.next_datagram(victim);
    ASSERT_TRUE(relayed);
    EXPECT_EQ(header(*relayed, "Call-ID"), "response-test@127.0.0.1")
        << "a spoofed response was relayed: " << *relayed;
    EXPECT_EQ(proxy.counter("responses.dropped.forged_branch"), 2u);
    EXPECT_EQ(proxy.counter("responses.relayed"), 1u);
}

// A caller's look-alike Via (our host:port, our prefix, a charge class) under a genuine one:
// the response to an on-net call is relayed by our Via to the look-alike, which names us,
// and comes back to us. It must not leave with a Warning.
TEST(ResponseRelay, ACallersLookAlikeViaAddsNoWarning) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + next_hop.host_port();
    settings.charge_policy.pstn = ChargeAction::warn;
    settings.charge_policy.on_net = ChargeAction::allow;
    settings.dial_plan.local_domains = {"example.com"};
    InProcessProxy proxy(settings);
    const std::string ours = proxy.host() + ":" + std::to_string(proxy.port());
    const std::string look_alike = "Via: SIP/2.0/UDP " + ours +
                                   ";branch=z9hG4bK-cx.0123456789abcdef.0123456789abcdef;"
                                   "cusax-cw=pstn\n";
    // The look-alike on top, as if we had relayed the request before, the caller's own below:
    // the same host as its source, so NTA adds no received= and the response to it comes to us.
    std::string text = invite(caller, "sip:bob@example.com", "z9hG4bK-resp-4");
    text.insert(text.find("Via: "), look_alike);
    proxy.send(caller, text);
    auto forwarded = proxy.next_datagram(next_hop);
    ASSERT_TRUE(forwarded);
    next_hop.send_to(proxy.host(), proxy.port(), answer(*forwarded, "180 Ringing"));
    // The marker: a second, ordinary call answered after it.
    proxy.send(caller, invite(caller, "sip:carol@example.com", "z9hG4bK-resp-5"));
    std::optional<std::string> second;
    while (auto got = proxy.next_datagram(next_hop)) {
        if (got->find("carol") != std::string::npos) {
            second = got;
            break;
        }
    }
    ASSERT_TRUE(second);
    next_hop.send_to(proxy.host(), proxy.port(), answer(*second, "180 Ringing"));
    for (;;) {
        auto got = proxy.next_datagram(caller);
        ASSERT_TRUE(got) << "the marker call's 180 did not come back";
        EXPECT_FALSE(header(*got, "Warning")) << "a look-alike Via added a Warning: " << *got;
        if (got->find("z9hG4bK-resp-5") != std::string::npos) break;
    }
    // The look-alike's round trip through us was dropped, not relayed.
    proxy.send(caller, invite(caller, "sip:dave@example.com", "z9hG4bK-resp-6"));
    while (auto got = proxy.next_datagram(next_hop))
        if (got->find("dave") != std::string::npos) break;
    EXPECT_EQ(proxy.counter("responses.dropped.forged_branch"), 1u);
}

}  // namespace
}  // namespace cusax::sip_proxy
