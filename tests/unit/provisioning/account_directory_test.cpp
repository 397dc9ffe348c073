// Which binding a user id names (what a user types to log in), which one a WebFinger resource
// names, and the key their failures are counted under.
#include "provisioning/account_directory.hpp"

#include <gtest/gtest.h>

#include "test_directory.hpp"

using namespace cusax::provisioning;

namespace {

std::string aor_of(const cusax::store::BindingView* b) { return b ? std::string(b->aor) : "none"; }

TEST(AccountDirectory, AUserIdIsAJidAnAorOrALocalPart) {
    const auto d = test_data::example_directory();
    EXPECT_EQ(aor_of(d->find_user("alice@xmpp.example.com")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("Alice@XMPP.example.com")), "sip:alice@sip.example.com");
    // The AOR, with or without its scheme (HTTP Basic cannot carry the colon of sip:).
    EXPECT_EQ(aor_of(d->find_user("alice@sip.example.com")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("sip:alice@sip.example.com")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("sip:alice@SIP.example.com;transport=tls")),
              "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("alice")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("ALICE")), "sip:alice@sip.example.com");
    // The number user of an AOR is a local part too.
    EXPECT_EQ(aor_of(d->find_user("+15550100009")), "sip:+15550100009@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("erin")), "sip:+15550100009@sip.example.com");
}

TEST(AccountDirectory, AnAmbiguousOrUnknownIdNamesNoOne) {
    const auto d = test_data::example_directory();
    // dave@sip.example.com's AOR user and david@'s... no: sip:dave@pbx.example.org's user.
    EXPECT_EQ(d->find_user("dave"), nullptr);
    EXPECT_EQ(aor_of(d->find_user("dave@xmpp.example.com")), "sip:dave@sip.example.com");
    EXPECT_EQ(aor_of(d->find_user("dave@pbx.example.org")), "sip:dave@pbx.example.org");
    EXPECT_EQ(aor_of(d->find_user("david")), "sip:dave@pbx.example.org");
    EXPECT_EQ(d->find_user("mallory"), nullptr);
    EXPECT_EQ(d->find_user("mallory@xmpp.example.com"), nullptr);
    EXPECT_EQ(d->find_user(""), nullptr);
    EXPECT_EQ(d->find_user("alice@"), nullptr);
    EXPECT_EQ(d->find_user(std::string(400, 'a')), nullptr);
    EXPECT_EQ(d->find_user("alice@xmpp.example.com/phone"), nullptr);  // a full JID
}

TEST(AccountDirectory, TwoBindingsForOneSpellingNameNeither) {
    // NAME@DOMAIN is the JID of one binding and, as sip:NAME@DOMAIN, the AOR of another.
    std::vector<cusax::store::Binding> bindings{
        cusax::store::make_binding("sip:x@example.com", "y@example.com", "", {},
                                   cusax::store::Verification::Admin),
        cusax::store::make_binding("sip:z@example.com", "x@example.com", "", {},
                                   cusax::store::Verification::Admin)};
    const AccountDirectory d(cusax::store::Snapshot::build(bindings, 1));
    EXPECT_EQ(d.find_user("x@example.com"), nullptr);
    EXPECT_EQ(aor_of(d.find_user("sip:x@example.com")), "sip:x@example.com");
    EXPECT_EQ(aor_of(d.find_user("y@example.com")), "sip:x@example.com");
}

TEST(AccountDirectory, WebFingerResources) {
    const auto d = test_data::example_directory();
    EXPECT_EQ(aor_of(d->find_resource("acct:alice@xmpp.example.com")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_resource("acct:alice@sip.example.com")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_resource("sip:alice@sip.example.com")), "sip:alice@sip.example.com");
    EXPECT_EQ(aor_of(d->find_resource("xmpp:alice@xmpp.example.com")), "sip:alice@sip.example.com");
    // A local part alone is for logins, not for the public look-up.
    EXPECT_EQ(d->find_resource("acct:alice"), nullptr);
    EXPECT_EQ(d->find_resource("alice"), nullptr);
    EXPECT_EQ(d->find_resource("alice@xmpp.example.com"), nullptr);
    EXPECT_EQ(d->find_resource("mailto:alice@xmpp.example.com"), nullptr);
}

TEST(AccountDirectory, ThePlaceholderIsAtTheXmppDomainMostBindingsHave) {
    EXPECT_EQ(test_data::example_directory()->placeholder_jid(),
              "cusax-no-such-account@xmpp.example.com");
    std::vector<cusax::store::Binding> bindings{
        cusax::store::make_binding("sip:a@sip.example.com", "a@zz.example.com", "", {},
                                   cusax::store::Verification::Admin),
        cusax::store::make_binding("sip:b@sip.example.com", "b@aa.example.com", "", {},
                                   cusax::store::Verification::Admin)};
    const AccountDirectory tied(cusax::store::Snapshot::build(bindings, 1));
    EXPECT_EQ(tied.placeholder_jid(), "cusax-no-such-account@aa.example.com");
    EXPECT_EQ(tied.find_user(tied.placeholder_jid()), nullptr);
    bindings.push_back(cusax::store::make_binding("sip:c@sip.example.com", "c@zz.example.com", "",
                                                  {}, cusax::store::Verification::Admin));
    const AccountDirectory d(cusax::store::Snapshot::build(bindings, 1));
    EXPECT_EQ(d.placeholder_jid(), "cusax-no-such-account@zz.example.com");
    EXPECT_EQ(AccountDirectory(cusax::store::Snapshot::build({}, 1)).placeholder_jid(), "");
}

TEST(UserLimitKey, EverySpellingOfAnAccountSharesOneKeyTakenFromTheTextAlone) {
    EXPECT_EQ(user_limit_key("alice"), "alice");
    EXPECT_EQ(user_limit_key("Alice@XMPP.example.com"), "alice");
    EXPECT_EQ(user_limit_key("sip:alice@sip.example.com"), "alice");
    EXPECT_EQ(user_limit_key("SIPS:alice@sip.example.com"), "alice");
    EXPECT_EQ(user_limit_key("xmpp:alice@xmpp.example.com"), "alice");
    // Unknown ids get a key the same way: nothing about the store shows.
    EXPECT_EQ(user_limit_key("mallory@nowhere.example"), "mallory");
    EXPECT_EQ(user_limit_key(std::string(100, 'x')).size(), 64u);
    // A malformed escape: no AOR look-up takes it, the JID look-up reads it as typed.
    EXPECT_EQ(user_limit_key("%61l%zz@xmpp.example.com"), "%61l%zz");
}

// Review of issue 22 (rev22): every spelling that logs in as alice must be counted as alice,
// or a guesser spreads their guesses over spellings. The JID lookup applies XMPP nodeprep
// (fullwidth and mathematical letters fold to ASCII, a soft hyphen maps to nothing) and the
// AOR lookup decodes %HEX escapes, so the key must see the same forms.
TEST(UserLimitKey, EverySpellingThatNamesAliceIsCountedAsAlice) {
    const auto d = test_data::example_directory();
    for (const std::string spelling :
         {"\xef\xbd\x81lice@xmpp.example.com",       // U+FF41 fullwidth a
          "\xf0\x9d\x90\x9alice@xmpp.example.com",   // U+1D41A mathematical bold a
          "al\xc2\xadice@xmpp.example.com",          // U+00AD soft hyphen
          "al\xc2\xad\xc2\xadice@xmpp.example.com",  // ... as often as one likes
          "%61lice@sip.example.com", "al%69ce@sip.example.com",
          "%61%6C%69%63%65@sip.example.com"}) {
        SCOPED_TRACE(spelling);
        ASSERT_EQ(aor_of(d->find_user(spelling)), "sip:alice@sip.example.com");
        EXPECT_EQ(user_limit_key(spelling), "alice");
    }
}

}  // namespace
