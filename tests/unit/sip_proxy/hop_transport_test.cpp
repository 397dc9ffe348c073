// The transport NTA really uses for a hop, read from the URI as Sofia-SIP reads it.
#include "sip-proxy/hop_transport.hpp"

#include <gtest/gtest.h>

#include "sip-proxy/sofia_handles.hpp"

namespace cusax::sip_proxy {
namespace {

HopTransport of(const char* uri) {
    SuHome home;
    url_t* url = url_hdup(home.get(), URL_STRING_MAKE(uri)->us_url);
    if (!url) throw std::runtime_error(std::string("bad URI in test: ") + uri);
    return hop_transport(url);
}

TEST(HopTransport, TheTransportParameterWinsOverTheScheme) {
    EXPECT_EQ(of("sips:bob@example.com;transport=udp").protocol, "udp");
    EXPECT_EQ(of("sips:bob@example.com;transport=TCP").protocol, "tcp");
    EXPECT_EQ(of("sips:bob@example.com;maddr=192.0.2.1;transport=udp").protocol, "udp");
    EXPECT_TRUE(of("sips:bob@example.com;transport=udp").explicit_parameter);
    EXPECT_EQ(of("sip:bob@example.com;transport=tls").protocol, "tls");
    EXPECT_EQ(of("sips:bob@example.com;transport=ws").protocol, "wss");
}

TEST(HopTransport, WithoutAParameterSipsIsTlsAndSipIsLeftToResolution) {
    EXPECT_EQ(of("sips:bob@example.com").protocol, "tls");
    EXPECT_FALSE(of("sips:bob@example.com").explicit_parameter);
    EXPECT_EQ(of("sip:bob@example.com").protocol, "");
    EXPECT_EQ(of("sip:bob@example.com;maddr=192.0.2.1").protocol, "");
}

TEST(HopTransport, SecureOnlyWhenWhatIsUsedIsTls) {
    EXPECT_TRUE(is_secure(of("sips:bob@example.com")));
    EXPECT_TRUE(is_secure(of("sip:bob@example.com;transport=tls")));
    EXPECT_TRUE(is_secure(of("sip:bob@example.com;transport=TLS")));
    EXPECT_FALSE(is_secure(of("sips:bob@example.com;transport=udp")));
    EXPECT_FALSE(is_secure(of("sips:bob@example.com;transport=tcp")));
    EXPECT_FALSE(is_secure(of("sips:proxy.example.com;maddr=192.0.2.1;transport=udp;lr")));
    EXPECT_FALSE(is_secure(of("sip:bob@example.com")));
    EXPECT_FALSE(is_secure(of("sip:bob@example.com;transport=tls-sctp")));
}

}  // namespace
}  // namespace cusax::sip_proxy
