// RFC 3261 §16.6 item 4 and RFC 5658: the Record-Route values for the listeners a request
// arrives on and leaves by.
#include "sip-proxy/record_route.hpp"

#include <gtest/gtest.h>

namespace cusax::sip_proxy {
namespace {

using Values = std::vector<std::string>;

// What `listen = sip:192.0.2.1:5060, sips:192.0.2.1:5061` gives (NTA's Vias).
const std::vector<SentBy> kUdpTcpTls = {
    {"192.0.2.1", "5060", "udp"}, {"192.0.2.1", "5060", "tcp"}, {"192.0.2.1", "5061", "tls"}};

TEST(RecordRoute, OneSideOneTransportIsOneUriWithoutTransport) {
    EXPECT_EQ(record_route_values(kUdpTcpTls, "udp", "", false), Values{"<sip:192.0.2.1:5060;lr>"});
    EXPECT_EQ(record_route_values(kUdpTcpTls, "udp", "udp", false),
              Values{"<sip:192.0.2.1:5060;lr>"});
}

TEST(RecordRoute, ASipsRequestGetsASipsUriOnTheTlsListener) {
    EXPECT_EQ(record_route_values(kUdpTcpTls, "tls", "tls", true),
              Values{"<sips:192.0.2.1:5061;lr>"});
    // Even arrived in the clear (a sips: target over UDP): every hop of it is TLS.
    EXPECT_EQ(record_route_values(kUdpTcpTls, "udp", "tls", true),
              Values{"<sips:192.0.2.1:5061;lr>"});
}

TEST(RecordRoute, AListenerOtherThanUdpNamesItsTransport) {
    const std::vector<SentBy> tcp_only = {{"192.0.2.1", "5070", "tcp"}};
    EXPECT_EQ(record_route_values(tcp_only, "tcp", "tcp", false),
              Values{"<sip:192.0.2.1:5070;transport=tcp;lr>"});
    EXPECT_EQ(record_route_values(kUdpTcpTls, "tls", "tls", false),
              Values{"<sip:192.0.2.1:5061;transport=tls;lr>"});
}

// RFC 5658 §3.2: the caller's side first, the callee's on top (each is inserted on top).
TEST(RecordRoute, DifferentSidesAreBothRecordedCallerSideFirst) {
    EXPECT_EQ(record_route_values(kUdpTcpTls, "udp", "tls", false),
              (Values{"<sip:192.0.2.1:5060;lr>", "<sip:192.0.2.1:5061;transport=tls;lr>"}));
    EXPECT_EQ(record_route_values(kUdpTcpTls, "tls", "udp", false),
              (Values{"<sip:192.0.2.1:5061;transport=tls;lr>", "<sip:192.0.2.1:5060;lr>"}));
    EXPECT_EQ(record_route_values(kUdpTcpTls, "udp", "tcp", false),
              (Values{"<sip:192.0.2.1:5060;lr>", "<sip:192.0.2.1:5060;transport=tcp;lr>"}));
    // Two addresses, one per side.
    const std::vector<SentBy> two = {{"192.0.2.1", "5060", "udp"}, {"198.51.100.1", "5060", "tcp"}};
    EXPECT_EQ(record_route_values(two, "udp", "tcp", false),
              (Values{"<sip:192.0.2.1:5060;lr>", "<sip:198.51.100.1:5060;transport=tcp;lr>"}));
}

TEST(RecordRoute, NoListenerNoValue) {
    EXPECT_TRUE(record_route_values({}, "udp", "", false).empty());
}

}  // namespace
}  // namespace cusax::sip_proxy
