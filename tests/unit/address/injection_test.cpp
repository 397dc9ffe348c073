// Values that try to break out of a SIP header or an XML document, against every parser.
#include <gtest/gtest.h>

#include <string>

#include "address_test_support.hpp"
#include "shared/address/jid.hpp"
#include "shared/address/message_text.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/sip_address.hpp"

namespace cusax::address {
namespace {

using namespace std::string_literals;
using testing::error_of;
using testing::shown;

TEST(SafeText, RefusesWhatBreaksAHeaderOrADocument) {
    EXPECT_EQ(unsafe_reason("sip:alice@example.com"), "");
    EXPECT_EQ(unsafe_reason("älice@example.com"), "");
    EXPECT_EQ(unsafe_reason("a\rb"), "contains CR");
    EXPECT_EQ(unsafe_reason("a\nb"), "contains LF");
    EXPECT_EQ(unsafe_reason("a\0b"s), "contains NUL");
    EXPECT_EQ(unsafe_reason("a\tb"), "contains a tab");
    EXPECT_EQ(unsafe_reason("a\x7f"), "contains a control character");
    EXPECT_EQ(unsafe_reason("a\x1b[31m"), "contains a control character");
    EXPECT_EQ(unsafe_reason("a\xC2\x85"), "contains a control character");  // U+0085 NEL
    EXPECT_EQ(unsafe_reason("a<b"), "contains '<'");
    EXPECT_EQ(unsafe_reason("a>b"), "contains '>'");
    EXPECT_EQ(unsafe_reason("a\"b"), "contains '\"'");
    EXPECT_EQ(unsafe_reason("a\xC3"), "is not valid UTF-8");
    EXPECT_EQ(unsafe_reason("\xC0\xBC"), "is not valid UTF-8");      // overlong '<'
    EXPECT_EQ(unsafe_reason("\xED\xA0\x80"), "is not valid UTF-8");  // a surrogate
    EXPECT_EQ(unsafe_reason("\xEF\xBF\xBF"), "contains a non-character (U+FFFE or U+FFFF)");
    EXPECT_EQ(unsafe_reason(std::string(kMaxAddressLength, 'a')), "");
    EXPECT_EQ(unsafe_reason(std::string(kMaxAddressLength + 1, 'a')), "is too long");
    EXPECT_EQ(unsafe_reason("abcd", 3), "is too long");
}

TEST(SafeText, ControlReasonLetsMarkupThrough) {
    EXPECT_EQ(control_reason("\"a\" <b>", 10), "");
    EXPECT_EQ(control_reason("a\r\nb", 10), "contains CR");
    EXPECT_EQ(control_reason("abcd", 3), "is too long");
}

TEST(MessageText, NeverEchoesControlCharacters) {
    EXPECT_EQ(quote_for_message("a\r\nb\t\0c\\\x01\x7f"s), "a\\r\\nb\\t\\0c\\\\\\x01\\x7F");
    EXPECT_EQ(quote_for_message("älice \xC3 \xC2\x85"), "älice \\xC3 \\u0085");
    EXPECT_EQ(quote_for_message("abcdef", 4), "abcd...");
    // A UTF-8 sequence is not cut in the middle.
    EXPECT_EQ(quote_for_message("abcä", 4), "abc...");
    EXPECT_EQ(describe_char(' '), "a space");
    EXPECT_EQ(describe_char('\x07'), "a control character (0x07)");
}

// Every parser refuses each of these, whatever part of the address carries it, and its
// message has no raw CR, LF or NUL.
void expect_refused(std::string_view text, std::string_view expected_error) {
    SCOPED_TRACE(quote_for_message(text));
    const auto parsed = parse_sip_address(text);
    EXPECT_EQ(error_of(parsed), expected_error);
    EXPECT_EQ(parsed.error.find_first_of("\r\n\0"s), std::string::npos);
}

TEST(Injection, LineBreaksInSipAddressesAreRefused) {
    expect_refused("sip:alice\r\n@example.com", "sip:alice\\r\\n@example.com: contains CR");
    expect_refused("sip:alice@example.com\r\nVia: evil",
                   "sip:alice@example.com\\r\\nVia: evil: "
                   "contains CR");
    expect_refused("sip:alice@exam\nple.com", "sip:alice@exam\\nple.com: contains LF");
    expect_refused("sip:alice@example.com;x=\r", "sip:alice@example.com;x=\\r: contains CR");
    expect_refused("\"Al\r\nice\" <sip:alice@example.com>",
                   "\"Al\\r\\nice\" <sip:alice@example.com>: display name contains CR");
    expect_refused("<sip:alice@example.com>;tag=\n1",
                   "<sip:alice@example.com>;tag=\\n1: header parameters contains LF");
    expect_refused("tel:+1212\r\n5550100", "tel:+1212\\r\\n5550100: contains CR");
}

TEST(Injection, NulAndControlsInSipAddressesAreRefused) {
    expect_refused("sip:alice\0@example.com"s, "sip:alice\\0@example.com: contains NUL");
    expect_refused("sip:alice@example.com\0.evil"s, "sip:alice@example.com\\0.evil: contains NUL");
    expect_refused("sip:al\x7fice@example.com",
                   "sip:al\\x7Fice@example.com: contains a control "
                   "character");
    expect_refused("sip:alice@example.com\t", "sip:alice@example.com\\t: contains a tab");
}

TEST(Injection, MarkupInSipAddressesIsRefused) {
    // A '<' makes the text a name-addr, whose display name cannot hold ':'.
    expect_refused("sip:al<ice@example.com>",
                   "sip:al<ice@example.com>: display name contains ':' outside quotes");
    expect_refused("<sip:al<ice@example.com>", "<sip:al<ice@example.com>: contains '<'");
    expect_refused("<sip:alice@example.com",
                   "<sip:alice@example.com: has '<' without a closing '>'");
    expect_refused("sip:al>ice@example.com", "sip:al>ice@example.com: contains '>'");
    expect_refused("sip:al\"ice@example.com", "sip:al\"ice@example.com: contains '\"'");
    expect_refused("<sip:a\"b@example.com>", "<sip:a\"b@example.com>: contains '\"'");
    expect_refused("<sip:alice@example.com?x=</x>>",
                   "<sip:alice@example.com?x=</x>>: has unexpected text after '>'");
    expect_refused("sip:alice@example.com;x=<script>",
                   "sip:alice@example.com;x=<script>: display name contains ':' outside quotes");
}

TEST(Injection, EscapedLineBreaksStayEscaped) {
    // %0D and %0A are not unreserved, so they are kept escaped: the AOR holds no line break.
    EXPECT_EQ(shown(normalise_aor("sip:alice%0D%0AVia%3a%20x@example.com")),
              "sip:alice%0D%0AVia%3A%20x@example.com");
    EXPECT_EQ(shown(normalise_aor("sip:alice%0d%0a@example.com")), "sip:alice%0D%0A@example.com");
    EXPECT_EQ(shown(normalise_aor("sip:%3Cb%3E%22%00@example.com")),
              "sip:%3Cb%3E%22%00@example.com");
    // Escapes are not allowed in a host at all.
    EXPECT_EQ(error_of(normalise_aor("sip:alice@example.com%0D%0A")),
              "sip:alice@example.com%0D%0A: host contains '%'");
}

TEST(Injection, OverLongValuesAreRefused) {
    const std::string user(kMaxAddressLength, 'a');
    const std::string text = "sip:" + user + "@example.com";
    EXPECT_EQ(error_of(normalise_aor(text)),
              text.substr(0, kMaxQuotedLength) + "...: URI is longer than 256 bytes");
    // Just under the limit is fine.
    const std::string fits = "sip:" + std::string(kMaxAddressLength - 16, 'a') + "@example.com";
    EXPECT_EQ(shown(normalise_aor(fits)), fits);
    // A hostile megabyte is refused without being scanned or copied whole into the message.
    const std::string huge(1 << 20, 'a');
    const auto parsed = normalise_aor(huge);
    EXPECT_EQ(error_of(parsed), huge.substr(0, kMaxQuotedLength) + "...: is too long");
    EXPECT_EQ(error_of(normalise_bare_jid(huge)),
              huge.substr(0, kMaxQuotedLength) + "...: is longer than 256 bytes");
    EXPECT_EQ(error_of(normalise_number(huge)),
              huge.substr(0, kMaxQuotedLength) + "...: is too long");
}

TEST(Injection, JidsCarryingMarkupOrLineBreaksAreRefused) {
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@capulet.example\r\n")),
              "juliet@capulet.example\\r\\n: contains CR");
    EXPECT_EQ(error_of(normalise_bare_jid("jul\niet@capulet.example")),
              "jul\\niet@capulet.example: contains LF");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@capulet.example\0evil"s)),
              "juliet@capulet.example\\0evil: contains NUL");
    EXPECT_EQ(error_of(normalise_bare_jid("<juliet@capulet.example")),
              "<juliet@capulet.example: contains '<'");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet>@capulet.example")),
              "juliet>@capulet.example: contains '>'");
    EXPECT_EQ(error_of(normalise_bare_jid("jul\"iet@capulet.example")),
              "jul\"iet@capulet.example: contains '\"'");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@capulet.example\xFF")),
              "juliet@capulet.example\\xFF: is not valid UTF-8");
}

}  // namespace
}  // namespace cusax::address
