// RFC 3261 §16.3 front-door checks on real requests.
#include "sip-proxy/request_checks.hpp"

#include <gtest/gtest.h>

#include "wire_text.hpp"

namespace cusax::sip_proxy {
namespace {

const char* kInvite =
    "INVITE sip:bob@example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds\n"
    "Max-Forwards: 70\n"
    "To: <sip:bob@example.com>\n"
    "From: <sip:alice@example.com>;tag=1928301774\n"
    "Call-ID: checks-1\n"
    "CSeq: 1 INVITE\n"
    "Content-Length: 0\n\n";

std::string without(std::string_view header) {
    std::string text = kInvite;
    auto pos = text.find(std::string(header) + ":");
    text.erase(pos, text.find('\n', pos) - pos + 1);
    return text;
}

std::string replaced(std::string_view from, std::string_view to) {
    std::string text = kInvite;
    text.replace(text.find(from), from.size(), to);
    return text;
}

int status_of(const std::string& text) {
    auto p = test::parse(text);
    auto r = check_request(p.sip);
    return r ? r->status : 0;
}

TEST(RequestChecks, AGoodRequestPasses) { EXPECT_EQ(status_of(kInvite), 0); }

TEST(RequestChecks, MissingMandatoryHeadersAre400) {
    for (const char* h : {"Via", "To", "From", "Call-ID", "CSeq"})
        EXPECT_EQ(status_of(without(h)), 400) << h;
}

TEST(RequestChecks, MaxForwardsZeroIs483) {
    EXPECT_EQ(status_of(replaced("Max-Forwards: 70", "Max-Forwards: 0")), 483);
    EXPECT_EQ(status_of(replaced("Max-Forwards: 70", "Max-Forwards: 1")), 0);
}

TEST(RequestChecks, ProxyRequireIs420WithUnsupported) {
    auto p = test::parse(replaced("Max-Forwards: 70", "Max-Forwards: 70\nProxy-Require: foo, bar"));
    auto r = check_request(p.sip);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 420);
    EXPECT_EQ(r->unsupported, "foo, bar");
}

TEST(RequestChecks, UnknownSchemeIs416) {
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE http://example.com/")), 416);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE tel:+4930123")), 0);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE sips:bob@example.com")), 0);
    EXPECT_EQ(status_of(replaced("INVITE sip:bob@example.com", "INVITE urn:service:sos")), 0);
}

TEST(RequestChecks, CSeqMethodMustMatch) {
    EXPECT_EQ(status_of(replaced("CSeq: 1 INVITE", "CSeq: 1 BYE")), 400);
}

TEST(MaxForwards, DecrementedOrSeventy) {
    auto p = test::parse(kInvite);
    EXPECT_EQ(forwarded_max_forwards(p.sip), 69u);
    auto q = test::parse(without("Max-Forwards"));
    EXPECT_EQ(forwarded_max_forwards(q.sip), 70u);
}

}  // namespace
}  // namespace cusax::sip_proxy
