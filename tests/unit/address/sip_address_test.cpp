#include "shared/address/sip_address.hpp"

#include <gtest/gtest.h>

#include "address_test_support.hpp"
#include "shared/address/message_text.hpp"
#include "shared/address/safe_text.hpp"

namespace cusax::address {
namespace {

using testing::error_of;
using testing::shown;

std::string aor(std::string_view text) { return shown(normalise_aor(text)); }
std::string key(std::string_view text) { return shown(parse_sip_address(text)); }

// RFC 3261 §19.1.4, the URIs given as equivalent: the same AOR.
TEST(SipAddress, Rfc3261EquivalentExamplesGiveOneAor) {
    EXPECT_EQ(aor("sip:%61lice@atlanta.com;transport=TCP"), "sip:alice@atlanta.com");
    EXPECT_EQ(aor("sip:alice@AtLanTa.CoM;Transport=tcp"), "sip:alice@atlanta.com");

    EXPECT_EQ(aor("sip:carol@chicago.com"), "sip:carol@chicago.com");
    EXPECT_EQ(aor("sip:carol@chicago.com;newparam=5"), "sip:carol@chicago.com");
    EXPECT_EQ(aor("sip:carol@chicago.com;security=on"), "sip:carol@chicago.com");

    EXPECT_EQ(aor("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com"),
              "sip:biloxi.com");
    EXPECT_EQ(aor("sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"),
              "sip:biloxi.com");

    EXPECT_EQ(aor("sip:alice@atlanta.com?subject=project%20x&priority=urgent"),
              "sip:alice@atlanta.com");
    EXPECT_EQ(aor("sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
              "sip:alice@atlanta.com");
}

// RFC 3261 §19.1.4, the URIs given as not equivalent: those that differ in user or host stay
// different; those that differ only in port, parameters or headers are one AOR (§10.3).
TEST(SipAddress, Rfc3261NotEquivalentExamples) {
    EXPECT_EQ(aor("SIP:ALICE@AtLanTa.CoM;Transport=udp"), "sip:ALICE@atlanta.com");
    EXPECT_EQ(aor("sip:alice@AtLanTa.CoM;Transport=UDP"), "sip:alice@atlanta.com");
    EXPECT_NE(aor("SIP:ALICE@AtLanTa.CoM;Transport=udp"), aor("sip:alice@AtLanTa.CoM"));

    EXPECT_EQ(aor("sip:bob@phone21.boxesbybob.com"), "sip:bob@phone21.boxesbybob.com");
    EXPECT_EQ(aor("sip:bob@192.0.2.4"), "sip:bob@192.0.2.4");

    EXPECT_EQ(aor("sip:bob@biloxi.com:5060"), "sip:bob@biloxi.com");
    EXPECT_EQ(aor("sip:bob@biloxi.com;transport=udp"), "sip:bob@biloxi.com");
    EXPECT_EQ(aor("sip:bob@biloxi.com:6000;transport=tcp"), "sip:bob@biloxi.com");
    EXPECT_EQ(aor("sip:carol@chicago.com?Subject=next%20meeting"), "sip:carol@chicago.com");
    EXPECT_EQ(aor("sip:carol@chicago.com;security=off"), "sip:carol@chicago.com");
}

TEST(SipAddress, SipsKeepsItsScheme) {
    EXPECT_EQ(aor("sips:alice@atlanta.com"), "sips:alice@atlanta.com");
    EXPECT_EQ(aor("SIPS:alice@ATLANTA.com:5061"), "sips:alice@atlanta.com");
    EXPECT_NE(aor("sips:alice@atlanta.com"), aor("sip:alice@atlanta.com"));
}

TEST(SipAddress, PasswordAndPortAreDropped) {
    EXPECT_EQ(aor("sip:alice:secretword@atlanta.com;transport=tcp"), "sip:alice@atlanta.com");
    EXPECT_EQ(aor("sip:alice:@atlanta.com:5070"), "sip:alice@atlanta.com");
    EXPECT_EQ(aor("sip:atlanta.com:5060"), "sip:atlanta.com");
}

TEST(SipAddress, EscapesOfUnreservedCharactersDecodeOthersStayUpperCase) {
    EXPECT_EQ(aor("sip:%41%6c%69%63%65%2D%5F%2E%21%7E%2A%27%28%29@x.org"),
              "sip:Alice-_.!~*'()@x.org");
    // '@', ';' and the space are not unreserved: escaped, with upper-case hex.
    EXPECT_EQ(aor("sip:a%40b%3bc%20d@x.org"), "sip:a%40b%3Bc%20d@x.org");
    EXPECT_EQ(aor("sip:a%3bb@x.org"), aor("sip:a%3Bb@x.org"));
    // An escaped reserved character is not the character itself (RFC 3261 §19.1.4).
    EXPECT_NE(aor("sip:a%3Bb@x.org"), aor("sip:a;b@x.org"));
    EXPECT_EQ(aor("sip:a;b@x.org"), "sip:a;b@x.org");
}

TEST(SipAddress, HostForms) {
    EXPECT_EQ(aor("sip:alice@[2001:DB8::1]:5060;transport=udp"), "sip:alice@[2001:db8::1]");
    EXPECT_EQ(aor("sip:[::FFFF:192.0.2.1]"), "sip:[::ffff:192.0.2.1]");
    EXPECT_EQ(aor("sip:alice@Example.COM."), "sip:alice@example.com");
    EXPECT_EQ(aor("sip:alice@localhost"), "sip:alice@localhost");
    EXPECT_EQ(aor("sip:alice@10.0.0.1:5060"), "sip:alice@10.0.0.1");
    EXPECT_EQ(aor("sip:alice@xn--mller-kva.example"), "sip:alice@xn--mller-kva.example");
}

TEST(SipAddress, DomainWithoutUserIsAnAor) {
    EXPECT_EQ(aor("sip:Example.com"), "sip:example.com");
    EXPECT_EQ(aor("sip:example.com;lr"), "sip:example.com");
}

TEST(SipAddress, NameAddrForms) {
    EXPECT_EQ(aor("\"Alice Liddell\" <sip:alice@Atlanta.com>"), "sip:alice@atlanta.com");
    EXPECT_EQ(aor("Alice <sip:alice@atlanta.com;transport=tcp>;tag=1928301774"),
              "sip:alice@atlanta.com");
    EXPECT_EQ(aor("<sip:alice@atlanta.com>"), "sip:alice@atlanta.com");
    EXPECT_EQ(aor("  <sip:alice@atlanta.com>  "), "sip:alice@atlanta.com");
    // Quotes, angle brackets and escaped quotes inside a quoted display name are no harm:
    // only the URI is kept.
    EXPECT_EQ(aor("\"A \\\"<b>\\\" c\" <sip:alice@atlanta.com>"), "sip:alice@atlanta.com");
    EXPECT_EQ(aor("\"\" <sips:bob@biloxi.com>"), "sips:bob@biloxi.com");
    EXPECT_EQ(aor("Jürgen Müller <sip:jm@x.org>"), "sip:jm@x.org");
    EXPECT_EQ(aor("Bob.B_o-b+1 <sip:bob@x.org>"), "sip:bob@x.org");
}

TEST(SipAddress, NameAddrErrors) {
    EXPECT_EQ(error_of(normalise_aor("\"Alice <sip:alice@atlanta.com>")),
              "\"Alice <sip:alice@atlanta.com>: display name has no closing quote");
    EXPECT_EQ(error_of(normalise_aor("Alice <sip:alice@atlanta.com")),
              "Alice <sip:alice@atlanta.com: has '<' without a closing '>'");
    EXPECT_EQ(error_of(normalise_aor("\"Alice\" sip:alice@atlanta.com")),
              "\"Alice\" sip:alice@atlanta.com: has no '<' after the quoted display name");
    EXPECT_EQ(error_of(normalise_aor("<sip:alice@atlanta.com> junk")),
              "<sip:alice@atlanta.com> junk: has unexpected text after '>'");
    EXPECT_EQ(error_of(normalise_aor("Al\"ice <sip:alice@atlanta.com>")),
              "Al\"ice <sip:alice@atlanta.com>: display name contains '\"' outside quotes");
    const std::string long_name(kMaxDisplayNameLength + 1, 'a');
    const std::string input = "\"" + long_name + "\" <sip:alice@atlanta.com>";
    // The message quotes the first kMaxQuotedLength bytes of the input only.
    EXPECT_EQ(error_of(normalise_aor(input)),
              input.substr(0, kMaxQuotedLength) + "...: display name is too long");
}

TEST(SipAddress, UserPartCharactersAreChecked) {
    EXPECT_EQ(error_of(normalise_aor("sip:al ice@x")), "sip:al ice@x: user part contains a space");
    EXPECT_EQ(error_of(normalise_aor("sip:al{ice@x")), "sip:al{ice@x: user part contains '{'");
    EXPECT_EQ(error_of(normalise_aor("sip:alice%4@x")),
              "sip:alice%4@x: user part has a '%' not followed by two hex digits");
    EXPECT_EQ(error_of(normalise_aor("sip:@x")), "sip:@x: user part is empty");
    EXPECT_EQ(error_of(normalise_aor("sip:a@b@x")), "sip:a@b@x: contains more than one '@'");
    EXPECT_EQ(error_of(normalise_aor("sip:älice@x")),
              "sip:älice@x: user part contains a non-ASCII character");
    EXPECT_EQ(error_of(normalise_aor("sip:alice:pa ss@x")),
              "sip:alice:pa ss@x: password contains a space");
}

TEST(SipAddress, HostIsChecked) {
    EXPECT_EQ(error_of(normalise_aor("sip:alice@")), "sip:alice@: host is empty");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@exa mple.com")),
              "sip:alice@exa mple.com: host contains a space");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@exa_mple.com")),
              "sip:alice@exa_mple.com: host contains '_'");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@a..b")), "sip:alice@a..b: host has an empty label");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@-a.com")),
              "sip:alice@-a.com: host has a label that starts or ends with '-'");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@1.2.3.400")),
              "sip:alice@1.2.3.400: host is neither a host name nor an IPv4 address");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@[2001:db8::1")),
              "sip:alice@[2001:db8::1: host has an IPv6 reference without a closing ']'");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@[2001:db8::g]")),
              "sip:alice@[2001:db8::g]: host is not a valid IPv6 address");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@müller.example")),
              "sip:alice@müller.example: host contains a non-ASCII character");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@x.org:99999")),
              "sip:alice@x.org:99999: port is over 65535");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@x.org:50a")),
              "sip:alice@x.org:50a: port contains 'a'");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@[::1]x")),
              "sip:alice@[::1]x: host is followed by 'x'");
    const std::string long_label(64, 'a');
    EXPECT_EQ(error_of(normalise_aor("sip:alice@" + long_label + ".com")),
              "sip:alice@" + long_label + ".com: host has a label longer than 63 characters");
}

TEST(SipAddress, ParametersAndHeadersAreChecked) {
    EXPECT_EQ(error_of(normalise_aor("sip:alice@x.org;;lr")),
              "sip:alice@x.org;;lr: has a URI parameter without a name");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@x.org;a=b c")),
              "sip:alice@x.org;a=b c: URI parameter value contains a space");
    EXPECT_EQ(error_of(normalise_aor("sip:alice@x.org?a=b c")),
              "sip:alice@x.org?a=b c: headers contains a space");
}

TEST(SipAddress, OtherSchemesAreRefused) {
    EXPECT_EQ(error_of(normalise_aor("mailto:alice@atlanta.com")),
              "mailto:alice@atlanta.com: is not a sip:, sips: or tel: URI");
    EXPECT_EQ(error_of(normalise_aor("alice@atlanta.com")),
              "alice@atlanta.com: is not a sip:, sips: or tel: URI");
    EXPECT_EQ(error_of(normalise_aor("")), "\"\": is empty");
    EXPECT_EQ(error_of(normalise_aor("   ")), "   : is empty");
}

TEST(SipAddress, NumbersAreNotAors) {
    EXPECT_EQ(error_of(normalise_aor("tel:+12125550100")),
              "tel:+12125550100: is a phone number (tel: or user=phone), not an "
              "address-of-record");
    EXPECT_EQ(key("sip:+12125550100@x.org;user=phone"), "number +12125550100");
    // Without user=phone a user part of digits is a user name (RFC 3261 §19.1.6).
    EXPECT_EQ(key("sip:+12125550100@x.org"), "aor sip:+12125550100@x.org");
}

}  // namespace
}  // namespace cusax::address
