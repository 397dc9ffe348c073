#include "shared/store/binding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shared/store/field_error.hpp"

namespace cusax::store {
namespace {

std::string refusal(std::string_view aor, std::string_view jid, std::string_view name = "",
                    const std::vector<PhoneNumber>& numbers = {}) {
    try {
        make_binding(aor, jid, name, numbers, Verification::Unverified);
    } catch (const BindingError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(Verification, TextRoundTripsForEveryState) {
    for (auto v : {Verification::Unverified, Verification::Admin, Verification::Directory,
                   Verification::Mutual}) {
        EXPECT_EQ(verification_from_string(to_string(v)), v);
    }
    EXPECT_EQ(to_string(Verification::Unverified), "unverified");
    EXPECT_EQ(to_string(Verification::Admin), "admin");
    EXPECT_EQ(to_string(Verification::Directory), "directory");
    EXPECT_EQ(to_string(Verification::Mutual), "mutual");
}

TEST(Verification, UnknownTextIsNotAState) {
    EXPECT_EQ(verification_from_string("Mutual"), std::nullopt);
    EXPECT_EQ(verification_from_string(""), std::nullopt);
    EXPECT_EQ(verification_from_string("Admin "), std::nullopt);
}

TEST(Verification, OnlyTrustedProvisioningCountsAsVerified) {
    EXPECT_FALSE(is_verified(Verification::Unverified));
    EXPECT_TRUE(is_verified(Verification::Admin));
    EXPECT_TRUE(is_verified(Verification::Directory));
    EXPECT_TRUE(is_verified(Verification::Mutual));
}

TEST(MakeBinding, NormalisesEveryField) {
    const auto b = make_binding("Alice <SIP:alice@Example.COM:5060;transport=tcp>",
                                "xmpp:Alice@Example.COM", "Alice Liddell",
                                {{"+49 (30) 123-456", true, false}, {"tel:+4930999", true, true}},
                                Verification::Admin);
    EXPECT_EQ(b.aor, "sip:alice@example.com");
    EXPECT_EQ(b.jid, "alice@example.com");
    EXPECT_EQ(b.display_name, "Alice Liddell");
    ASSERT_EQ(b.numbers.size(), 2u);
    EXPECT_EQ(b.numbers[0], (PhoneNumber{"+4930123456", true, false}));
    EXPECT_EQ(b.numbers[1], (PhoneNumber{"+4930999", true, true}));
    EXPECT_EQ(b.verification, Verification::Admin);
}

TEST(MakeBinding, KeepsTheUserPartsCase) {
    // RFC 3261 §19.1.4: the user part of a SIP URI compares case-sensitively.
    EXPECT_EQ(
        make_binding("sip:Bob@example.com", "bob@example.com", "", {}, Verification::Unverified)
            .aor,
        "sip:Bob@example.com");
}

TEST(MakeBinding, RefusesAJidWithAResourceNamingTheField) {
    const auto why = refusal("sip:a@example.com", "a@b/c");
    EXPECT_EQ(why.rfind("jid \"a@b/c\": ", 0), 0u) << why;
}

TEST(MakeBinding, RefusesABadAor) {
    const auto why = refusal("mailto:a@example.com", "a@example.com");
    EXPECT_EQ(why.rfind("aor \"mailto:a@example.com\": ", 0), 0u) << why;
}

TEST(MakeBinding, RefusesANumberAsAor) {
    // A tel: URI is a number, looked up in another table: not an AOR.
    const auto why = refusal("tel:+4930123456", "a@example.com");
    EXPECT_EQ(why.rfind("aor ", 0), 0u) << why;
}

TEST(MakeBinding, RefusesADisplayNameThatCouldBreakAHeaderAndQuotesItSafely) {
    const auto why = refusal("sip:a@example.com", "a@example.com", "Eve\r\nVia: forged");
    EXPECT_EQ(why.rfind("display name \"Eve\\x0d\\x0aVia: forged\": ", 0), 0u) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos);
    EXPECT_NE(refusal("sip:a@example.com", "a@example.com", "<script>"), "(accepted)");
    EXPECT_NE(refusal("sip:a@example.com", "a@example.com", "say \"hi\""), "(accepted)");
}

TEST(MakeBinding, RefusesADisplayNameOverTheLimit) {
    EXPECT_NE(refusal("sip:a@example.com", "a@example.com", std::string(129, 'x')), "(accepted)");
    EXPECT_EQ(refusal("sip:a@example.com", "a@example.com", std::string(128, 'x')), "(accepted)");
}

TEST(MakeBinding, RefusesABadNumber) {
    const auto why = refusal("sip:a@example.com", "a@example.com", "", {{"call me", true, false}});
    EXPECT_EQ(why.rfind("number \"call me\": ", 0), 0u) << why;
}

TEST(MakeBinding, RefusesTheSameNumberTwiceEvenInTwoSpellings) {
    const auto why = refusal("sip:a@example.com", "a@example.com", "",
                             {{"+4930123456", true, false}, {"+49 30 123456", false, true}});
    EXPECT_EQ(why, "number \"+49 30 123456\": listed twice");
}

// A PBX block: many numbers in one binding (the store sets no limit). The repeat found is the
// first in the caller's order, named as the caller spelled it, in short lists and long ones.
TEST(MakeBinding, FindsTheFirstRepeatedNumberOfALongList) {
    std::vector<PhoneNumber> numbers;
    for (int i = 0; i < 65536; ++i)
        numbers.push_back({"+4930" + std::to_string(100000 + i), true, false});
    EXPECT_EQ(refusal("sip:a@example.com", "a@example.com", "", numbers), "(accepted)");
    numbers.push_back({"+49 30 100017", true, false});
    numbers.push_back({"+4930100003", true, false});
    EXPECT_EQ(refusal("sip:a@example.com", "a@example.com", "", numbers),
              "number \"+49 30 100017\": listed twice");
    numbers.resize(20);
    numbers.push_back({"+4930100019", true, false});
    EXPECT_EQ(refusal("sip:a@example.com", "a@example.com", "", numbers),
              "number \"+4930100019\": listed twice");
}

TEST(MakeBinding, RefusesANumberForNeitherVoiceNorVideo) {
    const auto why =
        refusal("sip:a@example.com", "a@example.com", "", {{"+4930123456", false, false}});
    EXPECT_EQ(why, "number \"+4930123456\": neither voice nor video");
}

TEST(CheckBinding, RefusesWhatNoStoreMayHold) {
    Binding b{"sip:a@example.com", "a@example.com", "", {}, Verification::Unverified, 0};
    EXPECT_NO_THROW(check_binding(b));
    auto bad = b;
    bad.jid.clear();
    EXPECT_THROW(check_binding(bad), BindingError);
    bad = b;
    bad.aor += "\n";
    EXPECT_THROW(check_binding(bad), BindingError);
    bad = b;
    bad.display_name = "<b>";
    EXPECT_THROW(check_binding(bad), BindingError);
    bad = b;
    bad.numbers = {{"+491", true, false}, {"+491", false, true}};
    EXPECT_THROW(check_binding(bad), BindingError);
    bad = b;
    bad.numbers = {{"+491", false, false}};
    EXPECT_THROW(check_binding(bad), BindingError);
    // A repeat far down a long list, named.
    bad = b;
    for (int i = 0; i < 40; ++i)
        bad.numbers.push_back({"+49" + std::to_string(100 + i), true, false});
    bad.numbers.push_back({"+49139", true, false});
    try {
        check_binding(bad);
        ADD_FAILURE() << "a repeated number was accepted";
    } catch (const BindingError& e) {
        EXPECT_STREQ(e.what(), "number \"+49139\": listed twice");
    }
}

TEST(FieldError, QuotesEscapesAndCutsTheValue) {
    EXPECT_EQ(field_error("jid", "a\"b\\c", "bad"), R"(jid "a\"b\\c": bad)");
    EXPECT_EQ(quote_value(std::string(100, 'x')), "\"" + std::string(80, 'x') + "\"...");
    EXPECT_EQ(quote_value(std::string("\0", 1)), R"("\x00")");
}

}  // namespace
}  // namespace cusax::store
