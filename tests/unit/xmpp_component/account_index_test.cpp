// Account JIDs for AORs (XEP-0106 escaping), case mapping, number aliases; the token bucket.
#include "xmpp-component/account_index.hpp"

#include <gtest/gtest.h>

#include "xmpp-component/rate_limiter.hpp"

namespace cusax::xmpp {
namespace {

TEST(AccountIndex, EscapingFollowsXep0106) {
    EXPECT_EQ(escape_localpart("bob@pbx.example.org"), "bob\\40pbx.example.org");
    EXPECT_EQ(escape_localpart("a b\"&'/:<>"), "a\\20b\\22\\26\\27\\2f\\3a\\3c\\3e");
    EXPECT_EQ(escape_localpart("c:\\net"), "c\\3a\\net");  // a lone backslash stays
    EXPECT_EQ(escape_localpart("\\5c"), "\\5c5c");         // one that reads as an escape
    for (std::string_view raw : {"bob@pbx.example.org", "a b\"&'/:<>", "c:\\net", "\\5c", "\\"}) {
        EXPECT_EQ(unescape_localpart(escape_localpart(raw)), raw) << raw;
    }
}

TEST(AccountIndex, AccountJidsForAors) {
    EXPECT_EQ(account_jid_for_aor("sip:alice@sip.example.com", "sip.example.com"),
              "alice@sip.example.com");
    EXPECT_EQ(account_jid_for_aor("sip:Alice@sip.example.com", "sip.example.com"),
              "alice@sip.example.com");
    EXPECT_EQ(account_jid_for_aor("sips:bob@pbx.example.org", "sip.example.com"),
              "bob\\40pbx.example.org@sip.example.com");
}

store::Binding binding(std::string aor, std::string jid, std::vector<std::string> numbers = {}) {
    store::Binding b;
    b.aor = std::move(aor);
    b.jid = std::move(jid);
    for (auto& n : numbers) b.numbers.push_back(store::PhoneNumber{n, true, false});
    return b;
}

TEST(AccountIndex, FindsAccountsNumbersAndNothingElse) {
    AccountIndex index(store::Snapshot::build(
                           {binding("sip:Alice@sip.example.com", "a@x.example", {"+4930123456"}),
                            binding("sip:alice@sip.example.com", "b@x.example"),
                            binding("sip:1234@sip.example.com", "c@x.example"),
                            binding("sip:dan@other.example", "d@x.example", {"1234"})},
                           1),
                       "sip.example.com");
    // The case-mapped clash: the first in AOR order ("sip:Alice" < "sip:alice") keeps the name.
    ASSERT_NE(index.find("alice@sip.example.com"), nullptr);
    EXPECT_EQ(index.find("alice@sip.example.com")->aor, "sip:Alice@sip.example.com");
    EXPECT_EQ(index.find("ALICE@SIP.example.com")->aor, "sip:Alice@sip.example.com");
    EXPECT_EQ(index.find("+4930123456@sip.example.com")->aor, "sip:Alice@sip.example.com");
    // An account named like a number wins over the number alias.
    EXPECT_EQ(index.find("1234@sip.example.com")->aor, "sip:1234@sip.example.com");
    EXPECT_EQ(index.find("dan\\40other.example@sip.example.com")->aor, "sip:dan@other.example");
    EXPECT_EQ(index.find("dan@sip.example.com"), nullptr);
    EXPECT_EQ(index.find("alice@elsewhere.example"), nullptr);
    EXPECT_EQ(index.find("+4930123456@elsewhere.example"), nullptr);
    EXPECT_EQ(index.accounts().size(), 3u);
}

TEST(TokenBucketLimiter, BurstThenRate) {
    TokenBucketLimiter limiter(2.0, 4.0);
    TokenBucketLimiter::Clock::time_point t{};
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.allow("a", t)) << i;
    EXPECT_FALSE(limiter.allow("a", t));
    EXPECT_TRUE(limiter.allow("b", t));
    t += std::chrono::milliseconds(500);  // one token at 2/s
    EXPECT_TRUE(limiter.allow("a", t));
    EXPECT_FALSE(limiter.allow("a", t));
    t += std::chrono::seconds(60);  // refills to the burst, no more
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.allow("a", t)) << i;
    EXPECT_FALSE(limiter.allow("a", t));
}

TEST(TokenBucketLimiter, MemoryIsBounded) {
    TokenBucketLimiter limiter(1.0, 2.0, 100);
    TokenBucketLimiter::Clock::time_point t{};
    for (int i = 0; i < 10000; ++i) {
        limiter.allow("user" + std::to_string(i), t);
        limiter.allow("user" + std::to_string(i), t);  // empty their buckets
        t += std::chrono::milliseconds(1);
    }
    EXPECT_LE(limiter.tracked_keys(), 100u);
}

}  // namespace
}  // namespace cusax::xmpp
