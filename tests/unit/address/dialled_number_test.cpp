// dialled_number: the one reading of a dialled number, for the store and the dial plan.
#include "shared/address/dialled_number.hpp"

#include <gtest/gtest.h>

#include "address_test_support.hpp"

namespace cusax::address {
namespace {

using testing::error_of;

std::string number(std::string_view uri) {
    auto d = dialled_number(uri);
    return d ? d.value->number : "error: " + d.error;
}
std::string dialled(std::string_view uri) {
    auto d = dialled_number(uri);
    return d ? d.value->dialled : "error: " + d.error;
}

TEST(DialledNumber, SipUserPartWithOrWithoutUserPhone) {
    EXPECT_EQ(number("sip:0891234@example.com"), "0891234");
    EXPECT_EQ(number("sips:+49-89-123@example.com"), "+4989123");
    EXPECT_EQ(number("sip:+4989123@example.com;user=phone"), "+4989123");
    EXPECT_EQ(number("sip:(089)%20123.4@example.com:5060;transport=udp"), "0891234");
    EXPECT_EQ(number("sip:0891234:secret@example.com"), "0891234");
    EXPECT_EQ(number("<sip:0891234@example.com>"), "0891234");
}

// RFC 3261 §19.1.2: the user part is read unescaped.
TEST(DialledNumber, EscapesAreDecoded) {
    EXPECT_EQ(number("sip:%30%38%39123@example.com"), "089123");
    EXPECT_EQ(number("sip:089%2D123@example.com"), "089123");
    EXPECT_EQ(number("sip:%2B4989123@example.com"), "+4989123");
    EXPECT_EQ(number("sip:*31%23@example.com"), "*31#");
    EXPECT_EQ(error_of(dialled_number("sip:089%2@example.com")),
              "number has a '%' not followed by two hex digits");
}

// RFC 3966 §3: isub, ext, npdi, rn and others are no digits of the number.
TEST(DialledNumber, ParametersAreIgnored) {
    EXPECT_EQ(number("sip:0891234;isub=12@example.com"), "0891234");
    EXPECT_EQ(number("sip:0891234;ext=7@example.com"), "0891234");
    EXPECT_EQ(number("sip:+4989123;npdi;rn=+4989999@example.com"), "+4989123");
    EXPECT_EQ(number("tel:+4989123;npdi;rn=+4989999"), "+4989123");
    EXPECT_EQ(number("sip:0891234%3Bisub=12@example.com"), "0891234");
}

TEST(DialledNumber, PhoneContext) {
    EXPECT_EQ(number("sip:1234;phone-context=+4989@example.com"), "+49891234");
    EXPECT_EQ(dialled("sip:1234;phone-context=+4989@example.com"), "1234");
    EXPECT_EQ(number("tel:1234;phone-context=example.com"), "1234");
    EXPECT_EQ(dialled("tel:112;phone-context=+49"), "112");
    EXPECT_EQ(number("tel:112;phone-context=+49"), "+49112");
}

// The length limit is the number's: parameters may be as long as the SIP parser lets them be.
TEST(DialledNumber, LongParametersDoNotMakeTheNumberUnreadable) {
    const std::string context = std::string(240, 'a') + ".example.net";
    EXPECT_EQ(dialled("tel:112;phone-context=" + context), "112");
    EXPECT_EQ(number("sip:0891234;isub=" + std::string(250, '1') + "@example.com"), "0891234");
    EXPECT_EQ(error_of(dialled_number("tel:" + std::string(257, '1'))), "number is too long");
}

// A user part that starts like a number, read or not: '+' or a digit after escapes and
// visual separators.
TEST(DialledNumber, LooksLikeANumber) {
    EXPECT_TRUE(looks_like_a_number("sip:+4989123456789012@example.com"));
    EXPECT_TRUE(looks_like_a_number("sip:%30891234@example.com"));
    EXPECT_TRUE(looks_like_a_number("sip:(089)1234x@example.com"));
    EXPECT_TRUE(looks_like_a_number("tel:%2B49"));
    EXPECT_FALSE(looks_like_a_number("sip:alice@example.com"));
    EXPECT_FALSE(looks_like_a_number("sip:example.com"));
    EXPECT_FALSE(looks_like_a_number("sip:-.@example.com"));
    EXPECT_FALSE(looks_like_a_number("urn:service:sos"));
}

TEST(DialledNumber, NoNumber) {
    EXPECT_FALSE(dialled_number("sip:alice@example.com"));
    EXPECT_FALSE(dialled_number("sip:example.com"));
    EXPECT_FALSE(dialled_number("urn:service:sos"));
    EXPECT_FALSE(dialled_number("mailto:112@example.com"));
    EXPECT_FALSE(dialled_number("sip:1-800-FLOWERS@example.com"));
}

}  // namespace
}  // namespace cusax::address
