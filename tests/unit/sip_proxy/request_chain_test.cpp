// The rules of the request chain, through the real proxy on 127.0.0.1 (proxy_fixture.hpp):
// what a caller's wire text becomes at the next hop, or what the caller gets back.
#include "sip-proxy/request_chain.hpp"

#include <gtest/gtest.h>

#include "proxy_fixture.hpp"

namespace cusax::sip_proxy {
namespace {

using test::header;
using test::InProcessProxy;
using test::start_line;
using test::UdpPeer;

// A request from `caller` with its Via, so that answers come back to it.
std::string request(const UdpPeer& caller, std::string_view method, std::string_view uri,
                    std::string_view extra_headers = "",
                    std::string_view branch = "z9hG4bK-chain-1") {
    std::string text = std::string(method) + " " + std::string(uri) + " SIP/2.0\n";
    text += "Via: SIP/2.0/UDP " + caller.host_port() + ";branch=" + std::string(branch) + "\n";
    text += "Max-Forwards: 70\n";
    text += "From: \"Alice\" <sip:alice@example.com>;tag=a1\n";
    text += "To: <sip:bob@example.com>\n";
    text += "Call-ID: chain-test@127.0.0.1\n";
    text += "CSeq: 1 " + std::string(method) + "\n";
    text += "Contact: <sip:alice@" + caller.host_port() + ">\n";
    text += std::string(extra_headers);
    text += "Content-Length: 0\n\n";
    return text;
}

std::string hop_uri(const UdpPeer& peer) { return "sip:" + peer.host_port(); }

// What `hop` receives when `caller` sends `text` through a proxy of its own with `settings`.
std::optional<std::string> relayed(const ProxySettings& settings, const UdpPeer& caller,
                                   const UdpPeer& hop, const std::string& text) {
    InProcessProxy proxy(settings);
    proxy.send(caller, text);
    return proxy.next_datagram(hop);
}

// RFC 7081 §7: a sips: target is not relayed to a hop reached in the clear.
TEST(RequestChain, TlsGuardRefusesASipsTargetTowardAnUnencryptedNextHop) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = hop_uri(next_hop);
    InProcessProxy proxy(settings);

    proxy.send(caller, request(caller, "INVITE", "sips:bob@example.com"));
    auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer) << "no answer to an INVITE for sips: toward a sip: next hop";
    EXPECT_EQ(start_line(*answer), "SIP/2.0 403 Forbidden");
    auto warning = header(*answer, "Warning");
    ASSERT_TRUE(warning);
    EXPECT_NE(warning->find("399 "), std::string::npos) << *warning;
    EXPECT_NE(warning->find("not relayed over an unencrypted transport"), std::string::npos);
    EXPECT_EQ(proxy.counter("requests.tls_downgrade_refused"), 1u);
    EXPECT_FALSE(next_hop.receive()) << "the refused request reached the next hop";

    // The same call for a sip: target goes through.
    proxy.send(caller, request(caller, "INVITE", "sip:bob@example.com", "", "z9hG4bK-chain-2"));
    auto forwarded = proxy.next_datagram(next_hop);
    ASSERT_TRUE(forwarded);
    EXPECT_EQ(start_line(*forwarded), "INVITE sip:bob@example.com SIP/2.0");
}

// RFC 3325 §5: a P-Asserted-Identity from outside the trust domain is not passed on.
TEST(RequestChain, PAssertedIdentityFromAnUntrustedSourceIsRemoved) {
    const std::string pai = "P-Asserted-Identity: <sip:alice@example.com>\n";
    UdpPeer caller, next_hop;
    ProxySettings untrusting;
    untrusting.next_hop = hop_uri(next_hop);
    const std::string invite = request(caller, "INVITE", "sip:bob@example.com", pai);
    auto forwarded = relayed(untrusting, caller, next_hop, invite);
    ASSERT_TRUE(forwarded);
    EXPECT_EQ(start_line(*forwarded), "INVITE sip:bob@example.com SIP/2.0");
    EXPECT_FALSE(header(*forwarded, "P-Asserted-Identity")) << *forwarded;

    // From a trusted source the same header stays.
    ProxySettings trusting = untrusting;
    trusting.trusted_peers = {"127.0.0.1"};
    forwarded = relayed(trusting, caller, next_hop, invite);
    ASSERT_TRUE(forwarded);
    EXPECT_EQ(header(*forwarded, "P-Asserted-Identity"), "<sip:alice@example.com>");
}

// RFC 3325 §9.3: with Privacy: id, the asserted identity does not leave the trust domain.
TEST(RequestChain, PrivacyIdRemovesPAssertedIdentityTowardAnUntrustedNextHop) {
    const std::string headers = "P-Asserted-Identity: <sip:alice@example.com>\nPrivacy: id\n";
    UdpPeer caller;
    UdpPeer outside("127.0.0.2");  // loopback too, but not in trusted_peers
    ProxySettings settings;
    settings.trusted_peers = {"127.0.0.1"};
    settings.next_hop = hop_uri(outside);
    const std::string invite = request(caller, "INVITE", "sip:bob@example.com", headers);
    auto forwarded = relayed(settings, caller, outside, invite);
    ASSERT_TRUE(forwarded);
    EXPECT_EQ(header(*forwarded, "Privacy"), "id");
    EXPECT_FALSE(header(*forwarded, "P-Asserted-Identity")) << *forwarded;

    // Toward a trusted next hop it stays, as it does without Privacy: id.
    UdpPeer inside;
    settings.next_hop = hop_uri(inside);
    forwarded = relayed(settings, caller, inside, invite);
    ASSERT_TRUE(forwarded);
    EXPECT_EQ(header(*forwarded, "P-Asserted-Identity"), "<sip:alice@example.com>");
}

// RFC 3261 §16.6 item 4: record_route puts the proxy's address on dialog-creating requests.
TEST(RequestChain, RecordRouteOnDialogCreatingRequestsWhenConfigured) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = hop_uri(next_hop);
    settings.record_route = true;
    InProcessProxy proxy(settings);
    const std::string ours = "<sip:127.0.0.1:" + std::to_string(proxy.port()) + ";lr>";

    proxy.send(caller, request(caller, "INVITE", "sip:bob@example.com"));
    auto invite = proxy.next_datagram(next_hop);
    ASSERT_TRUE(invite);
    EXPECT_EQ(header(*invite, "Record-Route"), ours) << *invite;

    // On top of the Record-Route set a previous proxy began (§16.6 item 4).
    proxy.send(caller,
               request(caller, "INVITE", "sip:bob@example.com",
                       "Record-Route: <sip:upstream.example.com;lr>\n", "z9hG4bK-chain-rr"));
    invite = proxy.next_datagram(next_hop);
    ASSERT_TRUE(invite);
    EXPECT_EQ(header(*invite, "Record-Route"), ours) << *invite;  // the first line is ours
    EXPECT_NE(invite->find("<sip:upstream.example.com;lr>"), std::string::npos) << *invite;

    // MESSAGE creates no dialog: no Record-Route.
    proxy.send(caller, request(caller, "MESSAGE", "sip:bob@example.com", "", "z9hG4bK-chain-2"));
    auto message = proxy.next_datagram(next_hop);
    ASSERT_TRUE(message);
    EXPECT_EQ(start_line(*message), "MESSAGE sip:bob@example.com SIP/2.0");
    EXPECT_FALSE(header(*message, "Record-Route"));

    // Not configured: none.
    settings.record_route = false;
    InProcessProxy plain(settings);
    plain.send(caller, request(caller, "INVITE", "sip:bob@example.com", "", "z9hG4bK-chain-3"));
    invite = plain.next_datagram(next_hop);
    ASSERT_TRUE(invite);
    EXPECT_FALSE(header(*invite, "Record-Route"));
}

// RFC 7081 §5 and RFC 3261 §9.1: the CANCEL of a warned INVITE carries the INVITE's marker in
// the same Via branch, so a 487 built from the CANCEL's Via still gets its Warning.
TEST(RequestChain, CancelOfAWarnedInviteCarriesTheChargeMarker) {
    UdpPeer caller, next_hop;
    ProxySettings settings;
    settings.next_hop = hop_uri(next_hop);
    settings.charge_policy.pstn = ChargeAction::warn;
    InProcessProxy proxy(settings);
    const std::string pstn = "sip:+4989123@example.com;user=phone";

    proxy.send(caller, request(caller, "INVITE", pstn));
    auto invite = proxy.next_datagram(next_hop);
    ASSERT_TRUE(invite);
    auto invite_via = header(*invite, "Via");
    ASSERT_TRUE(invite_via);
    // The class is inside our signed branch (charge_marker.hpp).
    EXPECT_NE(invite_via->find(";branch=z9hG4bK-cx."), std::string::npos) << *invite_via;
    EXPECT_NE(invite_via->find(".pstn."), std::string::npos) << *invite_via;
    EXPECT_EQ(proxy.counter("charge.warned"), 1u);

    proxy.send(caller, request(caller, "CANCEL", pstn));
    auto cancel = proxy.next_datagram(next_hop);
    ASSERT_TRUE(cancel);
    EXPECT_EQ(start_line(*cancel), "CANCEL " + pstn + " SIP/2.0");
    EXPECT_EQ(header(*cancel, "Via"), invite_via) << "the CANCEL's Via is not its INVITE's";
    EXPECT_EQ(proxy.counter("charge.warned"), 1u) << "a CANCEL is no second warned call";

    // An allowed target gets no marker.
    proxy.send(caller,
               request(caller, "INVITE", "sip:carol@elsewhere.example", "", "z9hG4bK-chain-2"));
    invite = proxy.next_datagram(next_hop);
    ASSERT_TRUE(invite);
    EXPECT_EQ(header(*invite, "Via")->find(".pstn."), std::string::npos);
    EXPECT_NE(header(*invite, "Via")->find(".none."), std::string::npos);
}

// RFC 7081 §5: a strict next hop (a Route without ;lr) gets the Request-URI, and a next hop
// that drops preloaded Routes on new calls (as many Kamailio configurations do) then routes by
// it: a number there is as much the call's target as the Request-URI it replaced. A caller
// must not reach the telephone network past the policy by naming the number in such a Route.
TEST(RequestChain, ChargePolicyReadsTheRequestUriAStrictNextHopGets) {
    UdpPeer caller, strict_hop;
    ProxySettings settings;
    settings.dial_plan.local_domains = {"example.com"};
    settings.charge_policy.pstn = ChargeAction::block;
    const std::string number_route =
        "Route: <sip:+4989123@" + strict_hop.host_port() + ";user=phone>\n";
    {
        InProcessProxy proxy(settings);
        proxy.send(caller, request(caller, "INVITE", "sip:bob@example.com", number_route,
                                   "z9hG4bK-strict-1"));
        auto answer = proxy.next_datagram(caller);
        ASSERT_TRUE(answer) << "no answer to an INVITE whose strict Route names a number";
        EXPECT_EQ(start_line(*answer), "SIP/2.0 403 Forbidden");
        EXPECT_EQ(proxy.counter("charge.blocked"), 1u);
        EXPECT_FALSE(strict_hop.receive()) << "the blocked call reached the strict next hop";
    }
    {
        // Warned, the CANCEL as its INVITE.
        settings.charge_policy.pstn = ChargeAction::warn;
        InProcessProxy proxy(settings);
        proxy.send(caller, request(caller, "INVITE", "sip:bob@example.com", number_route,
                                   "z9hG4bK-strict-2"));
        auto invite = proxy.next_datagram(strict_hop);
        ASSERT_TRUE(invite);
        EXPECT_NE(header(*invite, "Via")->find(".pstn."), std::string::npos);
        proxy.send(caller, request(caller, "CANCEL", "sip:bob@example.com", number_route,
                                   "z9hG4bK-strict-2"));
        auto cancel = proxy.next_datagram(strict_hop);
        ASSERT_TRUE(cancel);
        EXPECT_EQ(header(*cancel, "Via"), header(*invite, "Via"));
    }
    {
        // A strict router named by its host alone is no number: the call goes on.
        settings.charge_policy.pstn = ChargeAction::block;
        InProcessProxy proxy(settings);
        proxy.send(caller,
                   request(caller, "INVITE", "sip:bob@example.com",
                           "Route: <sip:" + strict_hop.host_port() + ">\n", "z9hG4bK-strict-3"));
        ASSERT_TRUE(proxy.next_datagram(strict_hop)) << "a plain strict router was refused";
        EXPECT_EQ(proxy.counter("charge.blocked"), 0u);
    }
}

// A strict router's own address (host only, as RFC 2543 Record-Route URIs are) names no call:
// a call for bob through it is bob's, not one to the router's domain, whatever the
// inter_domain policy. Only the target's class counts.
TEST(RequestChain, PlainStrictRouterIsNoCallTarget) {
    UdpPeer caller, strict_hop;
    ProxySettings settings;
    settings.dial_plan.local_domains = {"example.com"};
    const std::string router = "Route: <sip:" + strict_hop.host_port() + ">\n";
    {
        settings.charge_policy.inter_domain = ChargeAction::block;
        InProcessProxy proxy(settings);
        proxy.send(caller,
                   request(caller, "INVITE", "sip:bob@example.com", router, "z9hG4bK-router-1"));
        auto invite = proxy.next_datagram(strict_hop);
        ASSERT_TRUE(invite) << "an on-net call through a strict router was refused";
        EXPECT_EQ(start_line(*invite), "INVITE " + hop_uri(strict_hop) + " SIP/2.0");
        EXPECT_EQ(proxy.counter("charge.blocked"), 0u);
    }
    {
        settings.charge_policy.inter_domain = ChargeAction::warn;
        InProcessProxy proxy(settings);
        proxy.send(caller,
                   request(caller, "INVITE", "sip:bob@example.com", router, "z9hG4bK-router-2"));
        auto invite = proxy.next_datagram(strict_hop);
        ASSERT_TRUE(invite);
        EXPECT_NE(header(*invite, "Via")->find(".none."), std::string::npos) << *invite;
        EXPECT_EQ(proxy.counter("charge.warned"), 0u);
    }
}

// A strict Route further down the Route set becomes the Request-URI at the hop before it (a
// proxy that follows the Route set, §16.6 item 6): a number there reaches a gateway that routes
// by it as surely as one in the first Route. Behind a loose router, and behind a plain strict
// router.
TEST(RequestChain, ChargePolicyReadsEveryStrictRouteOfTheRouteSet) {
    UdpPeer caller, loose_hop, strict_hop;
    ProxySettings settings;
    settings.dial_plan.local_domains = {"example.com"};
    const std::string number = "<sip:+4989123@gw.example.net;user=phone>";
    const std::string behind_loose =
        "Route: <sip:" + loose_hop.host_port() + ";lr>, " + number + "\n";
    const std::string behind_strict =
        "Route: <sip:" + strict_hop.host_port() + ">, " + number + "\n";
    settings.charge_policy.pstn = ChargeAction::block;
    for (const auto& routes : {behind_loose, behind_strict}) {
        InProcessProxy proxy(settings);
        proxy.send(caller,
                   request(caller, "INVITE", "sip:bob@example.com", routes, "z9hG4bK-later-1"));
        auto answer = proxy.next_datagram(caller);
        ASSERT_TRUE(answer) << routes;
        EXPECT_EQ(start_line(*answer), "SIP/2.0 403 Forbidden") << routes;
        EXPECT_FALSE(loose_hop.receive()) << routes;
        EXPECT_FALSE(strict_hop.receive()) << routes;
    }
    // Warned, the CANCEL (same Route set, RFC 3261 §9.1) as its INVITE.
    settings.charge_policy.pstn = ChargeAction::warn;
    InProcessProxy proxy(settings);
    proxy.send(caller,
               request(caller, "INVITE", "sip:bob@example.com", behind_loose, "z9hG4bK-later-2"));
    auto invite = proxy.next_datagram(loose_hop);
    ASSERT_TRUE(invite);
    EXPECT_NE(header(*invite, "Via")->find(".pstn."), std::string::npos) << *invite;
    proxy.send(caller,
               request(caller, "CANCEL", "sip:bob@example.com", behind_loose, "z9hG4bK-later-2"));
    auto cancel = proxy.next_datagram(loose_hop);
    ASSERT_TRUE(cancel);
    EXPECT_EQ(header(*cancel, "Via"), header(*invite, "Via"));
}

// An emergency target is never blocked itself (RFC 5031), but relayed with a blocked number in
// a strict Route it would reach that number wherever the Route set is dropped: blocked. Through
// a plain strict router it goes on.
TEST(RequestChain, EmergencyTargetWithABlockedNumberInAStrictRouteIsBlocked) {
    UdpPeer caller, strict_hop;
    ProxySettings settings;
    settings.dial_plan.local_domains = {"example.com"};
    settings.charge_policy.pstn = ChargeAction::block;
    settings.charge_policy.inter_domain = ChargeAction::block;
    InProcessProxy proxy(settings);
    proxy.send(caller, request(caller, "INVITE", "sip:112@example.com",
                               "Route: <sip:+4989123@" + strict_hop.host_port() + ";user=phone>\n",
                               "z9hG4bK-sos-1"));
    auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer);
    EXPECT_EQ(start_line(*answer), "SIP/2.0 403 Forbidden");
    EXPECT_FALSE(strict_hop.receive());

    proxy.send(caller, request(caller, "INVITE", "sip:112@example.com",
                               "Route: <sip:" + strict_hop.host_port() + ">\n", "z9hG4bK-sos-2"));
    ASSERT_TRUE(proxy.next_datagram(strict_hop)) << "an emergency call through a strict router";
    EXPECT_EQ(proxy.counter("charge.blocked"), 1u);
}

// The next hop is the SIP server, which routes a dial string at any of its addresses as its
// own (Kamailio's `myself`: to a gateway for a number, whatever ;user=phone says): its host is
// one of our domains to the dial plan, as the Request-URI, in a strict Route, and on another of
// its ports. Its users are on-net.
TEST(RequestChain, TheNextHopsHostIsALocalDomainToTheDialPlan) {
    UdpPeer caller;
    UdpPeer next_hop("127.0.0.2");  // not the proxy's own host
    ProxySettings settings;
    settings.next_hop = hop_uri(next_hop);
    settings.dial_plan.local_domains = {"example.com"};
    settings.dial_plan.offnet_number_prefixes = {"+"};
    settings.charge_policy.pstn = ChargeAction::block;
    const std::string number_at_server = "sip:+4989123@" + next_hop.host_port();
    {
        InProcessProxy proxy(settings);
        int n = 0;
        for (const auto& [uri, routes] :
             {std::pair<std::string, std::string>{number_at_server, ""},
              {"sip:bob@example.com", "Route: <" + number_at_server + ">\n"},
              {"sip:+4989123@" + next_hop.host() + ":5060", ""}}) {
            proxy.send(caller, request(caller, "INVITE", uri, routes,
                                       "z9hG4bK-server-" + std::to_string(++n)));
            auto answer = proxy.next_datagram(caller);
            ASSERT_TRUE(answer) << uri << " " << routes;
            EXPECT_EQ(start_line(*answer), "SIP/2.0 403 Forbidden") << uri << " " << routes;
            EXPECT_NE(header(*answer, "Warning")->find("telephone network"), std::string::npos);
        }
        EXPECT_FALSE(next_hop.receive()) << "a blocked call reached the next hop";
    }
    {
        settings.charge_policy.inter_domain = ChargeAction::block;
        InProcessProxy proxy(settings);
        proxy.send(caller, request(caller, "INVITE", "sip:bob@" + next_hop.host_port(), "",
                                   "z9hG4bK-server-user"));
        ASSERT_TRUE(proxy.next_datagram(next_hop)) << "a user of the SIP server was refused";
        EXPECT_EQ(proxy.counter("charge.blocked"), 0u);
    }
}

// RFC 3261 §16.6 items 6-7: the next Route, else the configured next hop, else the
// Request-URI.
TEST(RequestChain, DestinationIsTheRouteThenTheNextHopThenTheRequestUri) {
    UdpPeer caller, configured, routed;
    ProxySettings settings;
    settings.next_hop = hop_uri(configured);
    InProcessProxy proxy(settings);
    const std::string to_routed = "sip:bob@" + routed.host_port();

    // A loose Route wins over the configured next hop.
    proxy.send(caller, request(caller, "INVITE", "sip:bob@example.com",
                               "Route: <" + hop_uri(routed) + ";lr>\n", "z9hG4bK-dest-1"));
    auto got = proxy.next_datagram(routed);
    ASSERT_TRUE(got) << "the request did not go to its Route";
    EXPECT_EQ(start_line(*got), "INVITE sip:bob@example.com SIP/2.0");
    EXPECT_FALSE(configured.receive());

    // Without a Route the configured next hop wins over the Request-URI.
    proxy.send(caller, request(caller, "INVITE", to_routed, "", "z9hG4bK-dest-2"));
    got = proxy.next_datagram(configured);
    ASSERT_TRUE(got) << "the request did not go to the configured next hop";
    EXPECT_EQ(start_line(*got), "INVITE " + to_routed + " SIP/2.0");
    EXPECT_FALSE(routed.receive());

    // A Route without ;lr is a strict router: it becomes the Request-URI and the target
    // goes last in the Route set (§16.6 item 6).
    proxy.send(caller, request(caller, "INVITE", "sip:bob@example.com",
                               "Route: <" + hop_uri(routed) + ">\n", "z9hG4bK-dest-3"));
    got = proxy.next_datagram(routed);
    ASSERT_TRUE(got) << "the request did not go to the strict router";
    EXPECT_EQ(start_line(*got), "INVITE " + hop_uri(routed) + " SIP/2.0");
    EXPECT_EQ(header(*got, "Route"), "<sip:bob@example.com>");

    // No Route, no next hop: the Request-URI.
    ProxySettings by_uri;
    InProcessProxy direct(by_uri);
    direct.send(caller, request(caller, "INVITE", to_routed, "", "z9hG4bK-dest-4"));
    got = direct.next_datagram(routed);
    ASSERT_TRUE(got) << "the request did not go to its Request-URI";
    EXPECT_EQ(start_line(*got), "INVITE " + to_routed + " SIP/2.0");
}

// The runner's invariant: a request that no step ends is reported and counted.
class NullWire : public RequestWire {
  public:
    SourceInfo source_of(msg_t*) override { return {}; }
    StepResult reply(RequestContext& ctx, int, const char*, std::string_view, std::string_view,
                     std::string_view) override {
        ctx.msg.reset();
        return StepResult::replied;
    }
    bool listens_on(const char*) override { return true; }
    SendOutcome send(RequestContext& ctx, url_t const*, const std::string&) override {
        ctx.msg.reset();
        return SendOutcome::sent;
    }
};

TEST(RequestChain, ARequestNoStepEndsIsCountedAsNotHandled) {
    counters::Registry registry;
    ProxyCounters counters(registry);
    ProxySettings settings;
    TrustedPeers trusted;
    std::vector<SentBy> ours;
    SnapshotSource snapshots;
    DnsReachability dns;
    NullWire wire;
    ChainParts parts{settings, counters, trusted, ours, snapshots, dns, wire};
    auto parsed = test::parse(
        "OPTIONS sip:bob@example.com SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-n\n"
        "From: <sip:a@example.com>;tag=1\nTo: <sip:bob@example.com>\nCall-ID: nh\n"
        "CSeq: 1 OPTIONS\nContent-Length: 0\n\n");
    RequestContext ctx(std::move(parsed.msg), parsed.sip);

    constexpr std::array<NamedStep, 1> passes = {
        NamedStep{"passes", [](RequestContext&, ChainParts&) { return StepResult::next; }}};
    EXPECT_EQ(run_chain(passes, ctx, parts), StepResult::next);
    EXPECT_EQ(counters.not_handled.value(), 1u);

    constexpr std::array<NamedStep, 2> ends = {
        NamedStep{"drops", [](RequestContext&, ChainParts&) { return StepResult::dropped; }},
        NamedStep{"never", [](RequestContext&, ChainParts&) { return StepResult::next; }}};
    EXPECT_EQ(run_chain(ends, ctx, parts), StepResult::dropped);
    EXPECT_EQ(counters.not_handled.value(), 1u);
}

}  // namespace
}  // namespace cusax::sip_proxy
