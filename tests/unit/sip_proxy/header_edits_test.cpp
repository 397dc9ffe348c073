// Removing forged Call-Info impp values however they are spelled, inserting ours, removing
// P-Asserted-Identity: checked on what Sofia would put on the wire.
#include "sip-proxy/header_edits.hpp"

#include <gtest/gtest.h>
#include <sofia-sip/sip_extra.h>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

using test::encode;
using test::parse;

std::string message(std::string_view call_info_lines) {
    return "MESSAGE sip:bob@example.com SIP/2.0\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds\n"
           "Max-Forwards: 70\n"
           "To: <sip:bob@example.com>\n"
           "From: <sip:alice@example.com>;tag=1928301774\n"
           "Call-ID: edits-1\n"
           "CSeq: 1 MESSAGE\n" +
           std::string(call_info_lines) +
           "Content-Type: text/plain\n"
           "Content-Length: 2\n\nhi";
}

int count_of(const std::string& text, std::string_view needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
        ++n;
    return n;
}

struct Spelling {
    const char* lines;
    int removed;
    std::vector<const char*> kept;  // must still be on the wire
};

class ImppRemoval : public ::testing::TestWithParam<Spelling> {};

TEST_P(ImppRemoval, RemovesOnlyImppValues) {
    const Spelling& s = GetParam();
    auto p = parse(message(s.lines));
    EXPECT_EQ(remove_impp_call_info(p.msg.get(), p.sip), s.removed);
    std::string wire = encode(p.msg.get());
    EXPECT_EQ(count_of(wire, "mallory"), 0) << wire;
    for (const char* k : s.kept) EXPECT_NE(wire.find(k), std::string::npos) << k << "\n" << wire;
    for (auto* ci = p.sip->sip_call_info; ci; ci = ci->ci_next) EXPECT_FALSE(is_impp(ci));
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, ImppRemoval,
    ::testing::Values(Spelling{"Call-Info: <xmpp:mallory@evil.example>;purpose=impp\n", 1, {}},
                      Spelling{"Call-Info: <xmpp:mallory@evil.example>;PURPOSE=IMPP\n", 1, {}},
                      Spelling{"Call-Info: <xmpp:mallory@evil.example>;purpose=\"impp\"\n", 1, {}},
                      Spelling{"Call-Info: <xmpp:mallory@evil.example>;Purpose=\"IMPP\"\n", 1, {}},
                      Spelling{"Call-Info: <xmpp:mallory@evil.example> ;  purpose = impp\n", 1, {}},
                      Spelling{"call-info: <xmpp:mallory@evil.example>;purpose=impp\n", 1, {}},
                      Spelling{"Call-Info: <xmpp:mallory@evil.example>\n ;purpose=impp\n", 1, {}},
                      // several values in one line, one of them impp, the others kept
                      Spelling{"Call-Info: <http://example.com/alice.png>;purpose=icon, "
                               "<xmpp:mallory@evil.example>;purpose=impp, "
                               "<http://example.com/card>;purpose=info\n",
                               1,
                               {"<http://example.com/alice.png>;purpose=icon",
                                "<http://example.com/card>;purpose=info"}},
                      // a comma inside <> is part of the URI, not a separator
                      Spelling{"Call-Info: <http://example.com/a,b.png>;purpose=icon,"
                               "<xmpp:mallory@evil.example?x=1,2>;purpose=impp\n",
                               1,
                               {"<http://example.com/a,b.png>;purpose=icon"}},
                      // several header lines
                      Spelling{"Call-Info: <xmpp:mallory@evil.example>;purpose=impp\n"
                               "Call-Info: <http://example.com/alice.png>;purpose=icon\n"
                               "Call-Info: <xmpp:mallory2@evil.example>;purpose=IMPP\n",
                               2,
                               {"<http://example.com/alice.png>;purpose=icon"}},
                      // "purpose=impp" inside another parameter's quoted value is not a purpose
                      Spelling{
                          "Call-Info: <http://example.com/x>;purpose=info;note=\"purpose=impp\"\n",
                          0,
                          {"<http://example.com/x>;purpose=info;note=\"purpose=impp\""}},
                      // no Call-Info at all
                      Spelling{"", 0, {}}));

TEST(ImppDetection, OtherPurposesAreNotImpp) {
    auto p =
        parse(message("Call-Info: <http://e.example/a>;purpose=icon, <http://e.example/b>;"
                      "purpose=imppx, <http://e.example/c>;xpurpose=impp\n"));
    int n = 0;
    for (auto* ci = p.sip->sip_call_info; ci; ci = ci->ci_next, ++n) EXPECT_FALSE(is_impp(ci));
    EXPECT_EQ(n, 3);
}

TEST(ImppInsertion, AddsExactlyOneHeaderAfterRemovingForgedOnes) {
    auto p =
        parse(message("Call-Info: <xmpp:mallory@evil.example>;purpose=impp, "
                      "<http://example.com/alice.png>;purpose=icon\n"));
    remove_impp_call_info(p.msg.get(), p.sip);
    ASSERT_TRUE(insert_impp_call_info(p.msg.get(), p.sip, "alice@xmpp.example.com"));
    std::string wire = encode(p.msg.get());
    EXPECT_EQ(count_of(wire, "purpose=impp"), 1) << wire;
    EXPECT_NE(wire.find("<xmpp:alice@xmpp.example.com>;purpose=impp"), std::string::npos) << wire;
    EXPECT_NE(wire.find("<http://example.com/alice.png>;purpose=icon"), std::string::npos) << wire;
    EXPECT_EQ(wire.find("mallory"), std::string::npos) << wire;
    // and it re-parses as one impp value
    auto again = parse(wire);
    int impp = 0;
    for (auto* ci = again.sip->sip_call_info; ci; ci = ci->ci_next) impp += is_impp(ci);
    EXPECT_EQ(impp, 1);
}

TEST(PaiRemoval, RemovesEveryValue) {
    auto p =
        parse(message("P-Asserted-Identity: <sip:alice@example.com>, <tel:+4930123456>\n"
                      "P-Asserted-Identity: \"X\" <sip:x@example.com>\n"));
    ASSERT_NE(sip_p_asserted_identity(p.sip), nullptr);
    EXPECT_EQ(remove_p_asserted_identity(p.msg.get(), p.sip), 3);
    std::string wire = encode(p.msg.get());
    EXPECT_EQ(wire.find("P-Asserted-Identity"), std::string::npos) << wire;
    EXPECT_EQ(sip_p_asserted_identity(p.sip), nullptr);
}

TEST(WarningHeader, QuotesAndEscapesText) {
    auto p = parse(message(""));
    ASSERT_TRUE(add_warning(p.msg.get(), p.sip, "proxy.example.com", "PSTN \"call\"\r\nX: y"));
    std::string wire = encode(p.msg.get());
    EXPECT_NE(wire.find("Warning: 399 proxy.example.com \"PSTN \\\"call\\\"  X: y\""),
              std::string::npos)
        << wire;
    EXPECT_EQ(wire.find("\r\nX: y"), std::string::npos) << wire;
}

}  // namespace
}  // namespace cusax::sip_proxy
