#include <gtest/gtest.h>

#include "address_test_support.hpp"
#include "shared/address/sip_address.hpp"

namespace cusax::address {
namespace {

using testing::error_of;
using testing::shown;

std::string key(std::string_view text) { return shown(parse_sip_address(text)); }
std::string number(std::string_view text) { return shown(normalise_number(text)); }

TEST(PhoneNumber, TelUriWithSeparatorsGivesE164) {
    EXPECT_EQ(key("tel:+1-212-555-0100"), "number +12125550100");
    EXPECT_EQ(key("TEL:+1.212.555.0100"), "number +12125550100");
    EXPECT_EQ(key("tel:+1(212)555-0100"), "number +12125550100");
    EXPECT_EQ(key("tel:+49%2030%20123456"), "number +4930123456");
}

TEST(PhoneNumber, TelUriParametersAreDropped) {
    EXPECT_EQ(key("tel:+1-212-555-0100;ext=42"), "number +12125550100");
    EXPECT_EQ(key("tel:+1-212-555-0100;isub=1411;Foo=bar"), "number +12125550100");
    EXPECT_EQ(key("tel:7042;phone-context=example.com"), "number 7042");
    EXPECT_EQ(key("<tel:+12125550100;ext=1>"), "number +12125550100");
}

// RFC 3966 §5.1.5: a global-number-digits context makes a local number global; a domain
// context leaves it local. Escapes are decoded before the parameters are split off.
TEST(PhoneNumber, PhoneContextOfALocalNumber) {
    EXPECT_EQ(key("tel:863-1234;phone-context=+1-914-555"), "number +19145558631234");
    EXPECT_EQ(key("tel:863-1234;PHONE-CONTEXT=%2B1-914-555"), "number +19145558631234");
    EXPECT_EQ(key("sip:863-1234;phone-context=+1-914-555@gw.example;user=phone"),
              "number +19145558631234");
    EXPECT_EQ(key("tel:7042;phone-context=example.com"), "number 7042");
    // a global number's own digits win (RFC 3966 §5.1.5 forbids the context there)
    EXPECT_EQ(key("tel:+12125550100;phone-context=+44"), "number +12125550100");
    EXPECT_EQ(error_of(parse_sip_address("tel:1234567890123;phone-context=+4930")),
              "tel:1234567890123;phone-context=+4930: number has more than 15 digits after '+' "
              "(E.164)");
}

TEST(PhoneNumber, SipUserPhoneGivesNumber) {
    EXPECT_EQ(key("sip:+1-212-555-0100@gateway.example.com;user=phone"), "number +12125550100");
    EXPECT_EQ(key("sips:+12125550100@gw.example;USER=Phone;transport=tls"), "number +12125550100");
    EXPECT_EQ(key("sip:+1-212-555-0100;phone-context=+1;isub=12@gw.example;user=phone"),
              "number +12125550100");
    EXPECT_EQ(key("sip:+12125550100:pw@gw.example:5060;user=phone?Subject=x"),
              "number +12125550100");
    EXPECT_EQ(key("\"Carol\" <sip:+49-30-123456@gw.example;user=phone>;tag=9"),
              "number +4930123456");
    // An escaped parameter name or value is the same parameter (RFC 3261 §19.1.4).
    EXPECT_EQ(key("sip:+4930123456@gw.example;us%65r=phon%45"), "number +4930123456");
    // user=phone's siblings are not it.
    EXPECT_EQ(key("sip:+4930123456@gw.example;user=ip"), "aor sip:+4930123456@gw.example");
    EXPECT_EQ(key("sip:+4930123456@gw.example;xuser=phone"), "aor sip:+4930123456@gw.example");
}

TEST(PhoneNumber, LocalNumbersAndServiceCodes) {
    EXPECT_EQ(key("sip:1234@pbx.example;user=phone"), "number 1234");
    EXPECT_EQ(key("sip:*31%23@pbx.example;user=phone"), "number *31#");
    EXPECT_EQ(key("tel:*21*0301234%23;phone-context=pbx.example"), "number *21*0301234#");
    // "00" is kept: which prefix dials out belongs to the dial plan.
    EXPECT_EQ(number("0049 30 123456"), "004930123456");
}

TEST(PhoneNumber, UserPhoneWithABadNumberIsRefused) {
    EXPECT_EQ(error_of(parse_sip_address("sip:alice@gw.example;user=phone")),
              "sip:alice@gw.example;user=phone: user=phone: number contains 'a'");
    EXPECT_EQ(error_of(parse_sip_address("sip:gw.example;user=phone")),
              "sip:gw.example;user=phone: has user=phone but no user part");
    EXPECT_EQ(error_of(parse_sip_address("sip:+1234567890123456@gw.example;user=phone")),
              "sip:+1234567890123456@gw.example;user=phone: user=phone: number has more than 15 "
              "digits after '+' (E.164)");
    EXPECT_EQ(error_of(parse_sip_address("sip:+@gw.example;user=phone")),
              "sip:+@gw.example;user=phone: user=phone: number has no digits");
    EXPECT_EQ(error_of(parse_sip_address("sip:+49*1@gw.example;user=phone")),
              "sip:+49*1@gw.example;user=phone: user=phone: number is global ('+') but contains "
              "'*' or '#'");
    EXPECT_EQ(error_of(parse_sip_address("sip:49+1@gw.example;user=phone")),
              "sip:49+1@gw.example;user=phone: user=phone: number has a '+' that is not at its "
              "start");
    // A decoded escape that is no digit is named, never echoed raw.
    EXPECT_EQ(error_of(parse_sip_address("sip:+49%0D%0A1@gw.example;user=phone")),
              "sip:+49%0D%0A1@gw.example;user=phone: user=phone: number contains CR");
    // The host is still checked.
    EXPECT_EQ(error_of(parse_sip_address("sip:+4930123@gw_x;user=phone")),
              "sip:+4930123@gw_x;user=phone: host contains '_'");
}

TEST(PhoneNumber, TelErrors) {
    EXPECT_EQ(error_of(parse_sip_address("tel:")), "tel:: number has no digits");
    EXPECT_EQ(error_of(parse_sip_address("tel:+1-212-CALL-NOW")),
              "tel:+1-212-CALL-NOW: number contains 'C'");
    EXPECT_EQ(error_of(parse_sip_address("tel:+1212%2")),
              "tel:+1212%2: number has a '%' not followed by two hex digits");
    EXPECT_EQ(error_of(parse_sip_address("tel:+1212;ext=1 2")),
              "tel:+1212;ext=1 2: URI parameter value contains a space");
    EXPECT_EQ(error_of(parse_sip_address("tel:+1212@x.org")),
              "tel:+1212@x.org: number contains '@'");
}

TEST(PhoneNumber, NormaliseNumberTakesUsualSpellings) {
    EXPECT_EQ(number("+49 (30) 123-456"), "+4930123456");
    EXPECT_EQ(number("+1.212.555.0100"), "+12125550100");
    EXPECT_EQ(number("  +12125550100  "), "+12125550100");
    EXPECT_EQ(number("030 123456"), "030123456");
    EXPECT_EQ(number("tel:+1-212-555-0100"), "+12125550100");
    EXPECT_EQ(number("sip:+4930123456@gw.example;user=phone"), "+4930123456");
    EXPECT_EQ(number("Office <tel:+4930123456>"), "+4930123456");
}

TEST(PhoneNumber, NormaliseNumberRefusesOthers) {
    EXPECT_EQ(error_of(normalise_number("sip:alice@atlanta.com")),
              "sip:alice@atlanta.com: is an address-of-record, not a phone number (a sip: URI "
              "needs user=phone)");
    EXPECT_EQ(error_of(normalise_number("+49 30 12%20")), "+49 30 12%20: number contains '%'");
    EXPECT_EQ(error_of(normalise_number("+49 30\r\n123")), "+49 30\\r\\n123: contains CR");
    EXPECT_EQ(error_of(normalise_number("+49\t30")), "+49\\t30: contains a tab");
    EXPECT_EQ(error_of(normalise_number("")), "\"\": is empty");
    EXPECT_EQ(error_of(normalise_number("call me")), "call me: number contains 'c'");
    EXPECT_EQ(error_of(normalise_number("+1234567890123456")),
              "+1234567890123456: number has more than 15 digits after '+' (E.164)");
}

}  // namespace
}  // namespace cusax::address
