// RFC 3261 §16.4 and §16.6 item 6 on wire text: a request from a strict router gets its
// Request-URI back from the last Route; a request for a strict router gets it from the first.
#include "sip-proxy/strict_routing.hpp"

#include <gtest/gtest.h>
#include <sofia-sip/sip_header.h>

#include <string>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

using test::encode;
using test::parse;

bool is_proxy(url_t const* url) {
    return url && url->url_host && std::string(url->url_host) == "127.0.0.1" && url->url_port &&
           std::string(url->url_port) == "5080";
}

std::string request_line(const std::string& wire) { return wire.substr(0, wire.find("\r\n")); }

std::string route_lines(const std::string& wire) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = wire.find("\r\nRoute:", pos)) != std::string::npos) {
        std::size_t end = wire.find("\r\n", pos + 2);
        out += wire.substr(pos + 2, end - pos - 2) + "\n";
        pos = end;
    }
    return out;
}

// RFC 3261 §16.12.1.2 (the example of a strict router): U1 -> P1 (strict) -> P2 (us, loose).
// P1 put our Record-Route URI into the Request-URI and the real target last in the Route set.
constexpr const char* kFromStrictRouter =
    "INVITE sip:127.0.0.1:5080;lr SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-strict-1\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-ua-1\n"
    "Max-Forwards: 69\n"
    "Route: <sip:p3.example.com;lr>\n"
    "Route: <sip:callee@u2.example.com>\n"
    "To: <sip:callee@example.com>\n"
    "From: <sip:caller@example.com>;tag=1\n"
    "Call-ID: strict-1\n"
    "CSeq: 1 INVITE\n"
    "Content-Length: 0\n\n";

TEST(StrictRouting, RequestUriRestoredFromTheLastRoute) {
    auto p = parse(kFromStrictRouter);
    ASSERT_TRUE(restore_request_uri_from_strict_router(p.msg.get(), p.sip, is_proxy));
    const std::string wire = encode(p.msg.get());
    EXPECT_EQ(request_line(wire), "INVITE sip:callee@u2.example.com SIP/2.0") << wire;
    EXPECT_EQ(route_lines(wire), "Route: <sip:p3.example.com;lr>\n") << wire;
    ASSERT_NE(p.sip->sip_route, nullptr);
    EXPECT_EQ(p.sip->sip_route->r_next, nullptr);
}

TEST(StrictRouting, OneCommaSeparatedRouteLine) {
    std::string text = kFromStrictRouter;
    text.replace(text.find("Route: <sip:p3"),
                 std::string("Route: <sip:p3.example.com;lr>\nRoute: ").size(),
                 "Route: <sip:p3.example.com;lr>, ");
    auto p = parse(text);
    ASSERT_TRUE(restore_request_uri_from_strict_router(p.msg.get(), p.sip, is_proxy));
    const std::string wire = encode(p.msg.get());
    EXPECT_EQ(request_line(wire), "INVITE sip:callee@u2.example.com SIP/2.0") << wire;
    EXPECT_EQ(wire.find("u2.example.com>"), std::string::npos) << wire;
    EXPECT_NE(wire.find("p3.example.com;lr"), std::string::npos) << wire;
}

TEST(StrictRouting, LeftAloneWhenNotForUsOrWithoutRoutes) {
    std::string other = kFromStrictRouter;
    other.replace(0, other.find(" SIP/2.0"), "INVITE sip:bob@example.com");
    auto p = parse(other);
    EXPECT_FALSE(restore_request_uri_from_strict_router(p.msg.get(), p.sip, is_proxy));
    EXPECT_EQ(request_line(encode(p.msg.get())), "INVITE sip:bob@example.com SIP/2.0");

    auto q = parse(
        "OPTIONS sip:127.0.0.1:5080 SIP/2.0\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-ping\n"
        "Max-Forwards: 70\nTo: <sip:127.0.0.1:5080>\n"
        "From: <sip:ping@example.com>;tag=2\nCall-ID: ping-1\nCSeq: 1 OPTIONS\n"
        "Content-Length: 0\n\n");
    EXPECT_FALSE(restore_request_uri_from_strict_router(q.msg.get(), q.sip, is_proxy));
}

// A Route set that leads only to this proxy (a loose route to us, as an outbound-proxy setting
// or a dispatcher's probe sends it) is not a strict router's doing: the Request-URI, user part
// included, stays; only a target left last in the Route set is taken back.
TEST(StrictRouting, ARouteNamingOnlyThisProxyKeepsTheRequestUri) {
    auto p = parse(
        "INVITE sip:bob@127.0.0.1:5080 SIP/2.0\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-loose-us\n"
        "Max-Forwards: 70\nRoute: <sip:127.0.0.1:5080;lr>\n"
        "To: <sip:bob@example.com>\nFrom: <sip:caller@example.com>;tag=1\n"
        "Call-ID: loose-us\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
    EXPECT_FALSE(restore_request_uri_from_strict_router(p.msg.get(), p.sip, is_proxy));
    EXPECT_EQ(request_line(encode(p.msg.get())), "INVITE sip:bob@127.0.0.1:5080 SIP/2.0");

    // A target at our own address (it has a user part) left last is still taken back.
    auto q = parse(
        "INVITE sip:127.0.0.1:5080;lr SIP/2.0\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-strict-us\n"
        "Max-Forwards: 69\nRoute: <sip:callee@127.0.0.1:5080>\n"
        "To: <sip:callee@example.com>\nFrom: <sip:caller@example.com>;tag=1\n"
        "Call-ID: strict-us\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
    EXPECT_TRUE(restore_request_uri_from_strict_router(q.msg.get(), q.sip, is_proxy));
    EXPECT_EQ(request_line(encode(q.msg.get())), "INVITE sip:callee@127.0.0.1:5080 SIP/2.0");
}

// §16.6 item 6 / §16.12.1.2: we send to P3, a strict router.
TEST(StrictRouting, StrictNextHopGetsTheRequestUriAndTheTargetGoesLast) {
    auto p = parse(
        "INVITE sip:callee@u2.example.com SIP/2.0\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-ua-2\n"
        "Max-Forwards: 70\n"
        "Route: <sip:p3.example.com>, <sip:p4.example.com;lr>\n"
        "To: <sip:callee@example.com>\n"
        "From: <sip:caller@example.com>;tag=1\n"
        "Call-ID: strict-2\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
    ASSERT_TRUE(prepare_for_strict_next_hop(p.msg.get(), p.sip));
    const std::string wire = encode(p.msg.get());
    EXPECT_EQ(request_line(wire), "INVITE sip:p3.example.com SIP/2.0") << wire;
    ASSERT_NE(p.sip->sip_route, nullptr);
    EXPECT_EQ(std::string(url_as_string(msg_home(p.msg.get()), p.sip->sip_route->r_url)),
              "sip:p4.example.com;lr");
    ASSERT_NE(p.sip->sip_route->r_next, nullptr);
    EXPECT_EQ(std::string(url_as_string(msg_home(p.msg.get()), p.sip->sip_route->r_next->r_url)),
              "sip:callee@u2.example.com");
    EXPECT_EQ(p.sip->sip_route->r_next->r_next, nullptr);
    EXPECT_NE(wire.find("p4.example.com;lr"), std::string::npos) << wire;
    EXPECT_NE(wire.find("<sip:callee@u2.example.com>"), std::string::npos) << wire;
    EXPECT_EQ(wire.find("<sip:p3.example.com>"), std::string::npos) << wire;
}

TEST(StrictRouting, LooseNextHopLeftAlone) {
    auto p = parse(
        "INVITE sip:callee@u2.example.com SIP/2.0\n"
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-ua-3\n"
        "Max-Forwards: 70\nRoute: <sip:p3.example.com;lr>\n"
        "To: <sip:callee@example.com>\nFrom: <sip:caller@example.com>;tag=1\n"
        "Call-ID: strict-3\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
    EXPECT_FALSE(prepare_for_strict_next_hop(p.msg.get(), p.sip));
    EXPECT_EQ(request_line(encode(p.msg.get())), "INVITE sip:callee@u2.example.com SIP/2.0");
}

}  // namespace
}  // namespace cusax::sip_proxy
