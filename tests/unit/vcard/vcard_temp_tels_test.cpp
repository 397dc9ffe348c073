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
