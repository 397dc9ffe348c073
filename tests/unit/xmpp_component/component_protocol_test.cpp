// XEP-0114 pieces: handshake digest, stream header, stream errors, reconnect back-off.
#include "xmpp-component/component_protocol.hpp"

#include <gtest/gtest.h>

#include "shared/xml/xml_stream_parser.hpp"

namespace cusax::xmpp {
namespace {

TEST(ComponentProtocol, HandshakeIsLowerHexSha1OfIdAndSecret) {
    // SHA-1("abc") from FIPS 180-2, split between id and secret.
    EXPECT_EQ(handshake_digest("ab", "c"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(handshake_digest("", ""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(ComponentProtocol, HeaderAndStreamErrorParseAsAStream) {
    std::vector<XmlElement> stanzas;
    std::string to;
    XmlStreamParser p({}, {[&](const StreamHeader& h) { to = h.to; },
                           [&](XmlElement&& e) { stanzas.push_back(std::move(e)); }, nullptr});
    ASSERT_TRUE(p.feed(component_stream_header("sip.example.com") +
                       stream_error_element("not-well-formed")));
    EXPECT_EQ(to, "sip.example.com");
    ASSERT_EQ(stanzas.size(), 1u);
    EXPECT_EQ(stanzas[0].xmlns, ns::streams);
    EXPECT_EQ(describe_stream_error(stanzas[0]).condition, "not-well-formed");
}

TEST(ComponentProtocol, ReceivedStreamErrorsAreDescribedWithAHint) {
    std::vector<XmlElement> stanzas;
    XmlStreamParser p({},
                      {nullptr, [&](XmlElement&& e) { stanzas.push_back(std::move(e)); }, nullptr});
    ASSERT_TRUE(
        p.feed("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
               "xmlns='jabber:component:accept' id='1'><stream:error><not-authorized "
               "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
               "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Unable to authenticate</text>"
               "</stream:error>"));
    ASSERT_EQ(stanzas.size(), 1u);
    auto e = describe_stream_error(stanzas[0]);
    EXPECT_EQ(e.condition, "not-authorized");
    EXPECT_EQ(e.text, "Unable to authenticate");
    EXPECT_NE(e.hint.find("secret"), std::string_view::npos);
}

TEST(ComponentProtocol, BackoffDoublesWithJitterUpToTheCap) {
    using std::chrono::milliseconds;
    ReconnectBackoff b(milliseconds(1000), milliseconds(8000));
    EXPECT_EQ(b.next(1.0), milliseconds(1000));
    EXPECT_EQ(b.next(0.0), milliseconds(1000));  // [1000, 2000]
    EXPECT_EQ(b.next(1.0), milliseconds(4000));
    EXPECT_EQ(b.next(1.0), milliseconds(8000));
    for (int i = 0; i < 100; ++i) EXPECT_LE(b.next(1.0), milliseconds(8000));
    EXPECT_EQ(b.next(0.0), milliseconds(4000));
    b.reset();
    EXPECT_EQ(b.next(0.5), milliseconds(750));
}

}  // namespace
}  // namespace cusax::xmpp
