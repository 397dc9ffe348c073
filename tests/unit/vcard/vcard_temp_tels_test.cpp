// Which SIP addresses a user's own vCard lists (RFC 7081 §3.3; what `cusaxctl verify --mutual`
// and `import-vcards` record, and what the component compares on a delegated set).
#include "shared/vcard/vcard_temp_tels.hpp"

#include <gtest/gtest.h>

#include "shared/xml/parse_element.hpp"

namespace cusax::vcard {
namespace {

TEST(ListedSipUris, OnlyValidSipTelsNormalisedOnce) {
    const auto vcard = xmpp::parse_element(
        "<vCard xmlns='vcard-temp'><TEL><NUMBER> SIP:Alice@SIP.example.com;transport=tcp </NUMBER>"
        "</TEL><TEL><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>"
        "<TEL><NUMBER>+4930123456</NUMBER></TEL><TEL><NUMBER>sip:</NUMBER></TEL>"
        "<TEL><NUMBER>sips:bob@example.com</NUMBER></TEL>"
        "<NOTE>sip:carol@example.com</NOTE></vCard>");
    ASSERT_TRUE(vcard);
    EXPECT_EQ(listed_sip_uris(*vcard),
              (std::vector<std::string>{"sip:Alice@sip.example.com", "sip:alice@sip.example.com",
                                        "sips:bob@example.com"}));
}

TEST(TelValues, SipUriInReadsTheTelSipFormToo) {
    EXPECT_EQ(sip_uri_in(" SIP:alice@example.com "), "SIP:alice@example.com");
    EXPECT_EQ(sip_uri_in("tel:sip:alice@example.com"), "sip:alice@example.com");
    EXPECT_EQ(sip_uri_in("TEL:sips:alice@example.com"), "sips:alice@example.com");
    EXPECT_EQ(sip_uri_in("tel:+4930123456"), "");
    EXPECT_EQ(sip_uri_in("+4930123456"), "");
}

TEST(TelValues, EquivalentSpellingsCompareEqual) {
    // RFC 3261 §19.1.4: scheme and host case-insensitive, URI parameters not part of the AOR.
    EXPECT_EQ(comparable_tel_value("SIP:alice@SIP.Example.com;transport=tcp"),
              "sip:alice@sip.example.com");
    EXPECT_EQ(comparable_tel_value("tel:sip:alice@sip.example.com"), "sip:alice@sip.example.com");
    // The user part is case-sensitive.
    EXPECT_NE(comparable_tel_value("sip:Alice@sip.example.com"), "sip:alice@sip.example.com");
    // RFC 3966: visual separators and the tel: scheme do not matter.
    EXPECT_EQ(comparable_tel_value("+49 (30) 123-456"), "+4930123456");
    EXPECT_EQ(comparable_tel_value("tel:+49.30.123456"), "+4930123456");
    EXPECT_EQ(comparable_tel_value("sip:+4930123456@sip.example.com;user=phone"), "+4930123456");
    // Neither: compared as text.
    EXPECT_EQ(comparable_tel_value(" Ask At The Desk "), "ask at the desk");
    EXPECT_FALSE(tel_value_key("ask at the desk"));
}

TEST(TelFields, NumberTrimmedFlagsAndSipSchemes) {
    const auto tel = xmpp::parse_element(
        "<TEL xmlns='vcard-temp'><VOICE/><NUMBER>\t+4930123456 </NUMBER></TEL>");
    ASSERT_TRUE(tel);
    EXPECT_TRUE(is_tel(*tel));
    EXPECT_EQ(tel_number(*tel), "+4930123456");
    EXPECT_TRUE(tel_has_flag(*tel, "VOICE"));
    EXPECT_FALSE(tel_has_flag(*tel, "VIDEO"));
    EXPECT_TRUE(is_sip_uri("SIPS:bob@example.com"));
    EXPECT_FALSE(is_sip_uri("tel:+4930123456"));
}

}  // namespace
}  // namespace cusax::vcard
