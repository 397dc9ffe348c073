// WebFinger: the related account of a verified binding, nothing for anything else.
#include "provisioning/webfinger.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "provisioning/query_string.hpp"
#include "test_directory.hpp"

using namespace cusax::provisioning;

namespace {

HttpAnswer ask(std::string_view query) {
    static const auto directory = test_data::example_directory();
    return webfinger_answer(query, *directory);
}

bool has_cors(const HttpAnswer& a) {
    for (const auto& [name, value] : a.headers)
        if (name == "Access-Control-Allow-Origin" && value == "*") return true;
    return false;
}

TEST(WebFinger, AVerifiedBindingListsItsOtherAccount) {
    auto a = ask("resource=acct%3Aalice%40xmpp.example.com");
    ASSERT_EQ(a.status, 200u);
    EXPECT_EQ(a.content_type, "application/jrd+json");
    EXPECT_TRUE(has_cors(a));
    auto jrd = nlohmann::json::parse(a.body);
    EXPECT_EQ(jrd["subject"], "acct:alice@xmpp.example.com");
    EXPECT_EQ(jrd["aliases"],
              nlohmann::json::array({"xmpp:alice@xmpp.example.com", "sip:alice@sip.example.com"}));

    a = ask("resource=sip:bob@sip.example.com");
    ASSERT_EQ(a.status, 200u);
    jrd = nlohmann::json::parse(a.body);
    EXPECT_EQ(jrd["subject"], "sip:bob@sip.example.com");
    EXPECT_EQ(jrd["aliases"], nlohmann::json::array({"xmpp:bob@xmpp.example.com"}));

    a = ask("resource=acct:%2B15550100009@sip.example.com&rel=http%3A%2F%2Fexample.com");
    ASSERT_EQ(a.status, 200u) << a.body;  // mutual counts as verified; "+" kept as "+"
    EXPECT_NE(a.body.find("xmpp:erin@xmpp.example.com"), std::string::npos);
}

TEST(WebFinger, UnverifiedAndUnknownGetTheSame404) {
    const auto unverified = ask("resource=acct:carol@xmpp.example.com");
    const auto unknown = ask("resource=acct:mallory@xmpp.example.com");
    const auto unverified_sip = ask("resource=sip:carol@sip.example.com");
    EXPECT_EQ(unverified.status, 404u);
    EXPECT_EQ(unverified.body, unknown.body);
    EXPECT_EQ(unverified.headers, unknown.headers);
    EXPECT_EQ(unverified_sip.body, unknown.body);
    EXPECT_EQ(unverified.body.find("carol"), std::string::npos);
}

TEST(WebFinger, BadRequests) {
    EXPECT_EQ(ask("").status, 400u);
    EXPECT_EQ(ask("rel=x").status, 400u);
    EXPECT_EQ(ask("resource=").status, 400u);
    EXPECT_EQ(ask("resource=acct:a%4").status, 400u);
    EXPECT_EQ(ask("resource=acct:a%00b").status, 400u);
    EXPECT_EQ(ask("resource=acct:alice@xmpp.example.com&resource=acct:bob@xmpp.example.com").status,
              400u);
}

TEST(QueryString, PercentDecodingKeepsPlus) {
    const auto q = parse_query("a=1&b=x%20y+z&&c&d=%41");
    ASSERT_TRUE(q);
    const QueryParams expected{{"a", "1"}, {"b", "x y+z"}, {"c", ""}, {"d", "A"}};
    EXPECT_EQ(*q, expected);
    EXPECT_FALSE(parse_query("a=%G1"));
    EXPECT_FALSE(parse_query("a=%1"));
}

}  // namespace
