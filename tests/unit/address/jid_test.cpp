#include "shared/address/jid.hpp"

#include <gtest/gtest.h>

#include "address_test_support.hpp"

namespace cusax::address {
namespace {

using testing::error_of;
using testing::shown;

std::string jid(std::string_view text) { return shown(normalise_bare_jid(text)); }

TEST(Jid, AsciiIsCaseMapped) {
    EXPECT_EQ(jid("Juliet@Capulet.Example"), "juliet@capulet.example");
    EXPECT_EQ(jid("juliet@capulet.example"), "juliet@capulet.example");
    EXPECT_EQ(jid("CAPULET.example"), "capulet.example");
    EXPECT_EQ(jid("o!brien#+*$@example.com"), "o!brien#+*$@example.com");
}

TEST(Jid, NonAsciiLocalpartIsCaseMapped) {
    EXPECT_EQ(jid("ÄLICE@Example.COM"), "älice@example.com");
    EXPECT_EQ(jid("ΣΤΡΑΤΟΣ@example.com"), "στρατοσ@example.com");
    // NFKC: a fullwidth letter is the letter.
    EXPECT_EQ(jid("ｊuliet@example.com"), "juliet@example.com");
    // Composed and decomposed forms are one JID.
    EXPECT_EQ(jid("A\xCC\x88lice@example.com"), "älice@example.com");
}

TEST(Jid, InternationalisedDomainBecomesALabels) {
    EXPECT_EQ(jid("user@müller.example"), "user@xn--mller-kva.example");
    EXPECT_EQ(jid("user@MÜLLER.Example"), "user@xn--mller-kva.example");
    EXPECT_EQ(jid("user@xn--mller-kva.example"), "user@xn--mller-kva.example");
    EXPECT_EQ(jid("bücher.example"), "xn--bcher-kva.example");
}

TEST(Jid, DomainForms) {
    EXPECT_EQ(jid("juliet@capulet.example."), "juliet@capulet.example");
    EXPECT_EQ(jid("user@müller.example."), "user@xn--mller-kva.example");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@capulet.example..")),
              "juliet@capulet.example..: domainpart has an empty label");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@.")), "juliet@.: domainpart is empty");
    EXPECT_EQ(jid("juliet@[2001:DB8::1]"), "juliet@[2001:db8::1]");
    EXPECT_EQ(jid("juliet@192.0.2.1"), "juliet@192.0.2.1");
    EXPECT_EQ(jid("localhost"), "localhost");
}

TEST(Jid, XmppUriPrefixIsRemoved) {
    EXPECT_EQ(jid("xmpp:Juliet@Capulet.example"), "juliet@capulet.example");
    EXPECT_EQ(jid("XMPP:juliet@capulet.example"), "juliet@capulet.example");
    EXPECT_EQ(jid("xmpp:n%C3%84me@m%C3%BCller.example"), "näme@xn--mller-kva.example");
    EXPECT_EQ(error_of(normalise_bare_jid("xmpp:juliet@capulet.example?message")),
              "xmpp:juliet@capulet.example?message: is an xmpp: URI with a query ('?'); only a "
              "bare JID is allowed");
    EXPECT_EQ(error_of(normalise_bare_jid("xmpp://guest@example.com/juliet@capulet.example")),
              "xmpp://guest@example.com/juliet@capulet.example: is an xmpp: URI with an "
              "authority, not a bare JID");
    EXPECT_EQ(error_of(normalise_bare_jid("xmpp:juliet@capulet.example#x")),
              "xmpp:juliet@capulet.example#x: is an xmpp: URI with a fragment ('#'); only a bare "
              "JID is allowed");
    // An escaped '/' is a character of the localpart, which nodeprep refuses: not a resource.
    EXPECT_EQ(error_of(normalise_bare_jid("xmpp:a%2Fb@example.com")),
              "xmpp:a%2Fb@example.com: localpart contains '/'");
    // What escapes decode to is checked like the rest.
    EXPECT_EQ(error_of(normalise_bare_jid("xmpp:a%0D%0Ab@example.com")),
              "xmpp:a%0D%0Ab@example.com: decodes to text that contains CR");
    EXPECT_EQ(error_of(normalise_bare_jid("xmpp:a%3Cb@example.com")),
              "xmpp:a%3Cb@example.com: decodes to text that contains '<'");
}

TEST(Jid, ResourceIsRefused) {
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@capulet.example/balcony")),
              "juliet@capulet.example/balcony: has a resource ('/...'); only a bare JID is "
              "allowed");
    EXPECT_EQ(error_of(normalise_bare_jid("capulet.example/")),
              "capulet.example/: has a resource ('/...'); only a bare JID is allowed");
}

TEST(Jid, BadPartsAreRefused) {
    EXPECT_EQ(error_of(normalise_bare_jid("")), "\"\": is empty");
    EXPECT_EQ(error_of(normalise_bare_jid("@capulet.example")),
              "@capulet.example: localpart is empty");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@")), "juliet@: domainpart is empty");
    EXPECT_EQ(error_of(normalise_bare_jid("ju liet@capulet.example")),
              "ju liet@capulet.example: localpart contains a space");
    for (const char c : std::string_view("&':")) {
        const std::string text = std::string("a") + c + "b@example.com";
        EXPECT_EQ(error_of(normalise_bare_jid(text)),
                  text + ": localpart contains '" + std::string(1, c) + "'")
            << text;
    }
    EXPECT_EQ(error_of(normalise_bare_jid("a@b@example.com")),
              "a@b@example.com: domainpart contains '@'");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@capu let.example")),
              "juliet@capu let.example: domainpart contains a space");
    EXPECT_EQ(error_of(normalise_bare_jid("juliet@exa_mple.com")),
              "juliet@exa_mple.com: domainpart contains '_'");
    // Non-ASCII characters nodeprep prohibits: U+3000 ideographic space, U+FF1C fullwidth
    // '<' (NFKC maps it to '<').
    EXPECT_EQ(error_of(normalise_bare_jid("a\xE3\x80\x80"
                                          "b@example.com")),
              "a\xE3\x80\x80"
              "b@example.com: localpart contains a character XMPP nodeprep "
              "prohibits");
    EXPECT_EQ(error_of(normalise_bare_jid("ä\xEF\xBC\x9C"
                                          "b@example.com")),
              "ä\xEF\xBC\x9C"
              "b@example.com: localpart contains a character XMPP nodeprep "
              "prohibits");
    // U+00AD soft hyphen maps to nothing.
    EXPECT_EQ(error_of(normalise_bare_jid("\xC2\xAD@example.com")),
              "\xC2\xAD@example.com: localpart is empty after case mapping");
    // Mixed right-to-left and left-to-right text.
    EXPECT_EQ(error_of(normalise_bare_jid("\xD7\x90"
                                          "a@example.com")),
              "\xD7\x90"
              "a@example.com: localpart breaks the bidirectional text rules (RFC 3454 "
              "§6)");
}

TEST(Jid, BadInternationalisedDomainIsRefused) {
    const std::string error = error_of(normalise_bare_jid("user@ü-.example"));
    EXPECT_TRUE(error.starts_with("user@ü-.example: domainpart ")) << error;
}

}  // namespace
}  // namespace cusax::address
