// RFC 3261 §16.3 front-door checks on real requests.
#include "sip-proxy/request_checks.hpp"

#include <gtest/gtest.h>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

const char* kInvite =
    "INVITE sip:bob@example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds\n"
    "Max-Forwards: 70\n"
    "To: <sip:bob@example.com>\n"
    "From: <sip:alice@example.com>;tag=1928301774\n"
    "Call-ID: checks-1\n"
    "CSeq: 1 INVITE\n"
    "Content-Length: 0\n\n";

std::string without(std::string_view header) {
    std::string text = kInvite;
    auto pos = text.find(std::string(header) + ":");
    text.erase(pos, text.find('\n', pos) - pos + 1);
    return text;
}

std::string replaced(std::string_view from, std::string_view to) {
    std::string text = kInvite;
    text.replace(text.find(from), from.size(), to);
    return text;
}

int status_of(const std::string& text) {
    auto p = test::parse(text);
    auto r = check_request(p.sip);
    return r ? r->status : 0;
}

TEST(RequestChecks, AGoodRequestPasses) { EXPECT_EQ(status_of(kInvite), 0); }

TEST(RequestChecks, MissingMandatoryHeadersAre400) {
    for (const char* h : {"Via", "To", "From", "Call-ID", "CSeq"})
        EXPECT_EQ(status_of(without(h)), 400) << h;
}

TEST(RequestChecks, MaxForwardsZeroIs483) {
    EXPECT_EQ(status_of(replaced("Max-Forwards: 70", "Max-Forwards: 0")), 483);
    EXPECT_EQ(status_of(replaced("Max-Forwards: 70", "Max-Forwards: 1")), 0);
}

TEST(RequestChecks, ProxyRequireIs420WithUnsupported) {
    auto p = test::parse(replaced("Max-Forwards: 70", "Max-Forwards: 70\nProxy-Require: foo, bar"));
    auto r = check_request(p.sip);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 420);
    EXPECT_EQ(r->unsupported, "foo, bar");
}

TEST(RequestChecks, UnknownSchemeIs416) {
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE http://example.com/")), 416);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE tel:+4930123")), 0);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE sips:bob@example.com")), 0);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE urn:service:sos")), 0);
}

TEST(RequestChecks, CSeqMethodMustMatch) {
    EXPECT_EQ(status_of(replaced("CSeq: 1 INVITE", "CSeq: 1 BYE")), 400);
}

// A To tag makes a request in-dialog, relayed without the charge policy; one that is no token
// (RFC 3261 §25.1) may be no tag to the SIP server in front, which then sends it as a new call.
TEST(RequestChecks, AToTagThatIsNoTokenIs400) {
    for (const char* to :
         {"To: <sip:bob@example.com>;tag", "To: <sip:bob@example.com>;tag ;x=1",
          "To: <sip:bob@example.com>;tag=\"\"", "To: <sip:bob@example.com>;tag=\"b1\""})
        EXPECT_EQ(status_of(replaced("To: <sip:bob@example.com>", to)), 400) << to;
    for (const char* to : {"To: <sip:bob@example.com>;tag=b1", "To: <sip:bob@example.com>;TAG=b1",
                           "To: <sip:bob@example.com>;tag=a.b-c!%*_+`'~9"})
        EXPECT_EQ(status_of(replaced("To: <sip:bob@example.com>", to)), 0) << to;
}

TEST(MaxForwards, DecrementedOrSeventy) {
    auto p = test::parse(kInvite);
    EXPECT_EQ(forwarded_max_forwards(p.sip), 69u);
    auto q = test::parse(without("Max-Forwards"));
    EXPECT_EQ(forwarded_max_forwards(q.sip), 70u);
}

}  // namespace
}  // namespace cusax::sip_proxy

namespace cusax::sip_proxy {
namespace {

// Sofia-SIP reads a '/' after a SIP URI's host, or inside a tel number, as the start of a
// path, which no SIP or tel URI has, and writes that path back without the '/'. What follows
// it is then in no parameter while the proxy decides, and in the URI the next hop reads:
// `sip:+4989123456@example.com/;user=phone` would be classified without user=phone and relayed
// with it; `tel:+1/9005551234` classified as +1 and relayed as +19005551234 (found by
// fuzz_sip_policy_chain). Such a request gets 400.
TEST(RequestChecks, APathInTheRequestUriIs400) {
    for (const char* uri : {"sip:+4989123456@example.com/;user=phone", "sip:bob@example.com/x",
                            "sips:bob@example.com:5061/x;transport=tls", "tel:+1/9005551234",
                            "sip:+498912345/example.com;user=phone", "sip:bob@[::1]/x"}) {
        auto p = test::parse(replaced("INVITE sip:bob@example.com", std::string("INVITE ") + uri));
        ASSERT_TRUE(p.sip && p.sip->sip_request) << uri;
        auto r = check_request(p.sip);
        ASSERT_TRUE(r) << uri;
        EXPECT_EQ(r->status, 400) << uri;
    }
    // A '/' in the user part or in a parameter value is the URI's own, and passes.
    for (const char* uri : {"sip:+4989/123456@example.com;user=phone", "sip:bob@example.com;x=1/y"})
        EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", std::string("INVITE ") + uri)),
                  0)
            << uri;
}

// A Route value is read for the next hop (lr, maddr, transport): the same path there is 400.
TEST(RequestChecks, APathInARouteIs400) {
    EXPECT_EQ(status_of(replaced("Max-Forwards: 70",
                                 "Max-Forwards: 70\nRoute: <sip:127.0.0.1:5070/x;lr>")),
              400);
    EXPECT_EQ(
        status_of(replaced("Max-Forwards: 70", "Max-Forwards: 70\nRoute: <sip:127.0.0.1:5070;lr>")),
        0);
}

// A '#' after a SIP URI's host: Sofia-SIP keeps the rest as a fragment (in no parameter) and
// writes it back whole, so `sip:+4989123@gw.example.net#;user=phone` was classified without
// user=phone and relayed with it (found in review). 400, in the Request-URI and in a Route; a
// '#' in a user part or a tel local number (RFC 3966: `*21#`) passes.
TEST(RequestChecks, AFragmentAfterTheHostIs400) {
    for (const char* uri :
         {"sip:+4989123456@example.com#;user=phone", "sip:bob@example.com:5060#x",
          "sips:bob@example.com#;user=phone", "sip:bob@example.com;x=1#;user=phone"}) {
        EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", std::string("INVITE ") + uri)),
                  400)
            << uri;
    }
    EXPECT_EQ(status_of(replaced("Max-Forwards: 70",
                                 "Max-Forwards: 70\nRoute: <sip:127.0.0.1:5070#;lr>")),
              400);
    for (const char* uri : {"sip:*21#@example.com", "tel:*21#;phone-context=+49"})
        EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", std::string("INVITE ") + uri)),
                  0)
            << uri;
}

// A hop parameter given twice: the proxy reads the first, Sofia-SIP's transport layer sends by
// the last, so `;transport=tls;transport=udp` passed the TLS guard as TLS and left over UDP
// (seen in review against a running proxy). 400 in the Request-URI and in a Route.
TEST(RequestChecks, AHopParameterGivenTwiceIs400) {
    for (const char* params :
         {";lr;transport=tls;transport=udp", ";lr;maddr=10.0.0.1;MADDR=192.0.2.9", ";lr;lr"})
        EXPECT_EQ(status_of(replaced("Max-Forwards: 70", std::string("Max-Forwards: 70\nRoute: "
                                                                     "<sip:127.0.0.1:5070") +
                                                             params + ">")),
                  400)
            << params;
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com",
                                 "INVITE sip:+4989123@gw.example.net;user=ip;user=phone")),
              400);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com",
                                 "INVITE sip:bob@example.com;transport=udp;ttl=1;x=1;x=2")),
              0);
}

}  // namespace
}  // namespace cusax::sip_proxy
