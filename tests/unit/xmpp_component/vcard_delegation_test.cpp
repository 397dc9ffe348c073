// XEP-0355 delegation of vcard-temp: unwrapping only what the server sends, the wrapping of
// the answer Prosody requires (inner reply with an explicit xmlns='jabber:client'), the TEL
// fields guaranteed from the binding on get, the guard on set (refuse/correct), persistence.
#include "xmpp-component/vcard_delegation.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "shared/store/sqlite_handles.hpp"
#include "shared/store/user_vcard_store.hpp"
#include "shared/xml/xml_stream_parser.hpp"
#include "temp_sqlite_file.hpp"
#include "test_bindings.hpp"
#include "test_router.hpp"
#include "wire_stanza.hpp"
#include "xmpp-component/vcard_store.hpp"

namespace cusax::xmpp {
namespace {

constexpr auto stanza = testing::parse_stanza;

using testing::alice;

// A forwarded iq as Prosody's mod_delegation wraps it.
std::string delegated(std::string_view inner, std::string_view from = "xmpp.example.com",
                      std::string_view ns = "urn:xmpp:delegation:2") {
    return "<iq type='set' id='d1' from='" + std::string(from) +
           "' to='sip.example.com'><delegation xmlns='" + std::string(ns) +
           "'><forwarded xmlns='urn:xmpp:forward:0'>" + std::string(inner) +
           "</forwarded></delegation></iq>";
}

constexpr std::string_view kBobGetsAlice =
    "<iq xmlns='jabber:client' type='get' id='q1' from='bob@xmpp.example.com/r' "
    "to='alice@xmpp.example.com'><vCard xmlns='vcard-temp'/></iq>";

const std::string kAliceTels =
    "<TEL><VOICE/><VIDEO/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>"
    "<TEL><VOICE/><VIDEO/><NUMBER>+4930123456</NUMBER></TEL>";

std::string alice_set(std::string_view vcard_body, std::string_view to = "") {
    return "<iq xmlns='jabber:client' type='set' id='s1' from='alice@xmpp.example.com/home'" +
           (to.empty() ? std::string() : " to='" + std::string(to) + "'") +
           "><vCard xmlns='vcard-temp'>" + std::string(vcard_body) + "</vCard></iq>";
}

// ---- unwrap ----

TEST(Unwrap, ForwardedIqFromTheServerIsUnwrapped) {
    const auto s = stanza(delegated(kBobGetsAlice));
    const auto r = unwrap_delegation(s, {"xmpp.example.com"});
    ASSERT_EQ(r.status, DelegatedRequest::Status::ok);
    EXPECT_EQ(r.delegation_ns, ns::delegation2);
    EXPECT_EQ(r.server, "xmpp.example.com");
    EXPECT_EQ(r.inner->attr_or("id"), "q1");
    EXPECT_EQ(r.inner->xmlns, ns::client);
}

TEST(Unwrap, Version1IsAnsweredInVersion1) {
    const auto s = stanza(delegated(kBobGetsAlice, "xmpp.example.com", "urn:xmpp:delegation:1"));
    const auto r = unwrap_delegation(s, {"xmpp.example.com"});
    ASSERT_EQ(r.status, DelegatedRequest::Status::ok);
    EXPECT_EQ(r.delegation_ns, ns::delegation1);
}

TEST(Unwrap, OnlyTheBareServerDomainMayDelegate) {
    for (std::string_view from : {"mallory@xmpp.example.com/r", "mallory@xmpp.example.com",
                                  "xmpp.example.com/r", "other.example.com", "evil.example"}) {
        const auto s = stanza(delegated(kBobGetsAlice, from));
        EXPECT_EQ(unwrap_delegation(s, {"xmpp.example.com"}).status,
                  DelegatedRequest::Status::untrusted)
            << from;
    }
    const auto s = stanza(delegated(kBobGetsAlice, "XMPP.Example.COM"));
    EXPECT_EQ(unwrap_delegation(s, {"xmpp.example.com"}).status, DelegatedRequest::Status::ok);
}

TEST(Unwrap, MalformedWrappingsAreNotActedOn) {
    for (std::string wire : {
             // a result, not a set
             std::string("<iq type='get' id='d' from='xmpp.example.com'><delegation "
                         "xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'>") +
                 std::string(kBobGetsAlice) + "</forwarded></delegation></iq>",
             // no forwarded
             std::string("<iq type='set' id='d' from='xmpp.example.com'><delegation "
                         "xmlns='urn:xmpp:delegation:2'>") +
                 std::string(kBobGetsAlice) + "</delegation></iq>",
             // inner iq not jabber:client
             delegated("<iq xmlns='jabber:server' type='get' id='q' from='b@xmpp.example.com'>"
                       "<vCard xmlns='vcard-temp'/></iq>"),
             // inner result
             delegated("<iq xmlns='jabber:client' type='result' id='q' "
                       "from='b@xmpp.example.com'/>"),
             // no from
             delegated("<iq xmlns='jabber:client' type='get' id='q'><vCard "
                       "xmlns='vcard-temp'/></iq>"),
         }) {
        EXPECT_EQ(unwrap_delegation(stanza(wire), {"xmpp.example.com"}).status,
                  DelegatedRequest::Status::malformed)
            << wire;
    }
    EXPECT_EQ(unwrap_delegation(stanza("<iq type='get' id='p' from='xmpp.example.com'><ping "
                                       "xmlns='urn:xmpp:ping'/></iq>"),
                                {"xmpp.example.com"})
                  .status,
              DelegatedRequest::Status::not_delegation);
}

TEST(Unwrap, AdvertisementIsRecognised) {
    const auto m = stanza(
        "<message from='xmpp.example.com' to='sip.example.com'><delegation "
        "xmlns='urn:xmpp:delegation:2'><delegated namespace='vcard-temp'/></delegation>"
        "</message>");
    EXPECT_EQ(delegation_advertisement(m, {"xmpp.example.com"}),
              std::vector<std::string>{"vcard-temp"});
    EXPECT_TRUE(delegation_advertisement(m, {"other.example.com"}).empty());
}

// ---- policy ----

TEST(Policy, GetMergesTheGuaranteedTelsIntoTheStoredVcard) {
    const auto owned = alice();
    const store::BindingView b = owned;  // what a snapshot hands out
    const auto stored = stanza(
        "<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME><TEL><HOME/><NUMBER>+331234"
        "</NUMBER></TEL><TEL><VOICE/><NUMBER>+4930123456</NUMBER></TEL></vCard>");
    const auto merged = merge_guaranteed_tels(&stored, &b);
    EXPECT_EQ(merged.serialize(),
              "<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME><TEL><HOME/><NUMBER>+331234"
              "</NUMBER></TEL>" +
                  kAliceTels + "</vCard>");
    EXPECT_EQ(merge_guaranteed_tels(nullptr, &b).serialize(),
              "<vCard xmlns='vcard-temp'>" + kAliceTels + "</vCard>");
    EXPECT_EQ(merge_guaranteed_tels(&stored, nullptr).serialize(), stored.serialize());
    EXPECT_EQ(merge_guaranteed_tels(nullptr, nullptr).serialize(), "<vCard xmlns='vcard-temp'/>");
}

TEST(Policy, SetKeepingTheGuaranteedTelsIsStoredWithoutThem) {
    const auto inner = stanza(alice_set("<NICKNAME>ally</NICKNAME>" + kAliceTels));
    const auto owned = alice();
    const store::BindingView b = owned;  // what a snapshot hands out
    const auto out = handle_delegated_vcard(inner, "xmpp.example.com", &b, nullptr, {},
                                            VcardGuard::refuse, true);
    EXPECT_TRUE(out.error.empty()) << out.detail;
    ASSERT_TRUE(out.store);
    EXPECT_EQ(out.store->vcard.serialize(),
              "<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME></vCard>");
}

TEST(Policy, RefuseNamesTheTelThatWouldGo) {
    const auto owned = alice();
    const store::BindingView b = owned;  // what a snapshot hands out
    struct Case {
        std::string body;
        std::string text;
    } cases[] = {
        {"<NICKNAME>ally</NICKNAME>",
         "TEL sip:alice@sip.example.com (the SIP address bound to this account) cannot be "
         "removed or changed"},
        {"<TEL><VOICE/><VIDEO/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>",
         "TEL +4930123456 (a number of the SIP account bound to this one) cannot be removed or "
         "changed"},
        {"<TEL><VOICE/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>"
         "<TEL><VOICE/><VIDEO/><NUMBER>+4930123456</NUMBER></TEL>",
         "TEL sip:alice@sip.example.com (the SIP address bound to this account) cannot be "
         "removed or changed"},
        {"<TEL><VOICE/><NUMBER>sip:mallory@evil.example</NUMBER></TEL>" + kAliceTels,
         "TEL sip:mallory@evil.example is not the SIP address bound to this account "
         "(sip:alice@sip.example.com); it cannot replace it"},
    };
    for (const auto& c : cases) {
        const auto out = handle_delegated_vcard(stanza(alice_set(c.body)), "xmpp.example.com", &b,
                                                nullptr, {}, VcardGuard::refuse, true);
        EXPECT_EQ(out.error, "not-acceptable") << c.body;
        EXPECT_FALSE(out.store) << c.body;
        EXPECT_EQ(out.reply.serialize(ns::client),
                  "<iq type='error' to='alice@xmpp.example.com/home' id='s1'><error "
                  "type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                  "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>" +
                      c.text + "</text></error></iq>")
            << c.body;
    }
}

TEST(Policy, CorrectPutsTheGuaranteedTelsBack) {
    const auto owned = alice();
    const store::BindingView b = owned;  // what a snapshot hands out
    const auto out = handle_delegated_vcard(
        stanza(alice_set("<NICKNAME>ally</NICKNAME><TEL><VOICE/><NUMBER>sip:mallory@evil.example"
                         "</NUMBER></TEL><TEL><HOME/><NUMBER>+331234</NUMBER></TEL>")),
        "xmpp.example.com", &b, nullptr, {}, VcardGuard::correct, true);
    EXPECT_TRUE(out.error.empty());
    EXPECT_NE(out.detail.find("corrected: TEL sip:mallory@evil.example"), std::string::npos);
    ASSERT_TRUE(out.store);
    EXPECT_EQ(out.store->vcard.serialize(),
              "<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME><TEL><HOME/><NUMBER>+331234"
              "</NUMBER></TEL></vCard>");
    EXPECT_EQ(out.reply.attr_or("type"), "result");
}

TEST(Policy, AnUnverifiedBindingPutsNothingInAndLocksNothing) {
    const auto owned = testing::unverified_alice();
    const store::BindingView b = owned;
    const auto stored = stanza("<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME></vCard>");
    EXPECT_EQ(merge_guaranteed_tels(&stored, &b).serialize(), stored.serialize());
    EXPECT_TRUE(guaranteed_tels(b).empty());
    // Whatever the user sets is their own word: nothing to keep, nothing foreign to refuse.
    for (auto mode : {VcardGuard::refuse, VcardGuard::correct}) {
        const auto out = handle_delegated_vcard(
            stanza(alice_set("<NICKNAME>ally</NICKNAME><TEL><NUMBER>sip:work@example.org"
                             "</NUMBER></TEL>")),
            "xmpp.example.com", &b, nullptr, {}, mode, true);
        EXPECT_TRUE(out.error.empty()) << out.detail;
        ASSERT_TRUE(out.store);
        EXPECT_EQ(out.store->listed_sip, std::vector<std::string>{"sip:work@example.org"});
        EXPECT_TRUE(out.unlisted);
    }
}

TEST(Policy, GetEditSetOfAnUnverifiedUserListsNothing) {
    const auto owned = testing::unverified_alice();
    const store::BindingView b = owned;
    // The client sends back what the get gave it, with a nickname added.
    const auto got = handle_delegated_vcard(stanza(kBobGetsAlice), "xmpp.example.com", &b, nullptr,
                                            {}, VcardGuard::refuse, true);
    const XmlElement* vcard = got.reply.child("vCard", ns::vcard_temp);
    ASSERT_NE(vcard, nullptr);
    std::string body;
    for (const auto& c : vcard->children) body += c.serialize(ns::vcard_temp);
    EXPECT_EQ(body.find("sip:"), std::string::npos) << body;
    const auto set =
        handle_delegated_vcard(stanza(alice_set(body + "<NICKNAME>a</NICKNAME>")),
                               "xmpp.example.com", &b, nullptr, {}, VcardGuard::refuse, true);
    ASSERT_TRUE(set.store);
    EXPECT_TRUE(set.store->listed_sip.empty());
}

TEST(Policy, TheGuaranteedTelsSentBackAreNotTheUsersListing) {
    const auto owned = alice();  // verified by an operator: the get carried its TELs
    const store::BindingView b = owned;
    const auto out =
        handle_delegated_vcard(stanza(alice_set("<NICKNAME>ally</NICKNAME>" + kAliceTels)),
                               "xmpp.example.com", &b, nullptr, {}, VcardGuard::refuse, true);
    ASSERT_TRUE(out.store);
    EXPECT_TRUE(out.store->listed_sip.empty());
    // Typed while nothing was added (the previous vCard had it): still the user's own.
    const StoredVcard before{stanza("<vCard xmlns='vcard-temp'><TEL><NUMBER>SIP:alice@"
                                    "sip.example.com</NUMBER></TEL></vCard>"),
                             {"sip:alice@sip.example.com"}};
    const auto again =
        handle_delegated_vcard(stanza(alice_set("<NICKNAME>ally</NICKNAME>" + kAliceTels)),
                               "xmpp.example.com", &b, &before, {}, VcardGuard::refuse, true);
    ASSERT_TRUE(again.store);
    EXPECT_EQ(again.store->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
    EXPECT_FALSE(again.unlisted);
}

TEST(Policy, EquivalentSpellingsOfTheOwnAddressAreAccepted) {
    const auto owned = alice();
    const store::BindingView b = owned;
    const auto out = handle_delegated_vcard(
        stanza(alice_set("<TEL><VOICE/><VIDEO/><NUMBER>SIP:alice@SIP.example.com;transport=tcp"
                         "</NUMBER></TEL><TEL><VOICE/><VIDEO/><NUMBER>+49 (30) 123-456</NUMBER>"
                         "</TEL><TEL><VOICE/><NUMBER>tel:sip:alice@sip.example.com</NUMBER>"
                         "</TEL>")),
        "xmpp.example.com", &b, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_TRUE(out.error.empty()) << out.detail;
}

TEST(Policy, AForeignAddressBehindTelIsRefusedAsTheVcard4GuardCountsIt) {
    const auto owned = alice();
    const store::BindingView b = owned;
    const auto out = handle_delegated_vcard(
        stanza(alice_set(kAliceTels + "<TEL><NUMBER>tel:sip:mallory@evil.example</NUMBER></TEL>")),
        "xmpp.example.com", &b, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_EQ(out.error, "not-acceptable");
}

// Found by review (rev18): "add no other SIP address" (README, verification states) held only
// for values that begin with sip:, sips: or tel:sip:. A SIP address in angle brackets (as in a
// From header, which address::parse_sip_address itself reads as that address) or after a
// non-breaking space is still another SIP address on a verified user's vCard.
TEST(Policy, AForeignAddressInOtherSpellingsIsRefusedToo) {
    const auto owned = alice();
    const store::BindingView b = owned;
    for (const std::string value :
         {"&lt;sip:mallory@evil.example&gt;", "Mallory &lt;sip:mallory@evil.example&gt;",
          "\xC2\xA0sip:mallory@evil.example"}) {
        const auto out = handle_delegated_vcard(
            stanza(alice_set(kAliceTels + "<TEL><NUMBER>" + value + "</NUMBER></TEL>")),
            "xmpp.example.com", &b, nullptr, {}, VcardGuard::refuse, true);
        EXPECT_EQ(out.error, "not-acceptable") << value;
    }
}

TEST(Policy, TheRefusalQuotesALongValueCut) {
    const auto owned = alice();
    const store::BindingView b = owned;
    const std::string huge = "sip:" + std::string(60000, 'm') + "@evil.example";
    const auto out = handle_delegated_vcard(
        stanza(alice_set(kAliceTels + "<TEL><NUMBER>" + huge + "</NUMBER></TEL>")),
        "xmpp.example.com", &b, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_EQ(out.error, "not-acceptable");
    EXPECT_LT(out.detail.size(), 300u) << out.detail.size();
    EXPECT_LT(out.reply.serialize().size(), 600u);
    EXPECT_NE(out.detail.find("..."), std::string::npos);
}

TEST(Policy, AUserWithoutBindingMayListAnotherUsersAddress) {
    // Their word about themselves; it counts only in the vCard of the JID the address is bound
    // to (cusaxctl verify --mutual), so it gives them nothing.
    const auto out = handle_delegated_vcard(
        stanza(alice_set("<TEL><NUMBER>sip:bob@sip.example.com</NUMBER></TEL>")),
        "xmpp.example.com", nullptr, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_TRUE(out.error.empty());
    ASSERT_TRUE(out.store);
    EXPECT_EQ(out.store->listed_sip, std::vector<std::string>{"sip:bob@sip.example.com"});
}

TEST(Policy, SetForSomeoneElseIsForbidden) {
    const auto out =
        handle_delegated_vcard(stanza(alice_set("<NICKNAME>x</NICKNAME>", "bob@xmpp.example.com")),
                               "xmpp.example.com", nullptr, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_EQ(out.error, "forbidden");
    EXPECT_FALSE(out.store);
    // To one's own bare JID explicitly: fine.
    const auto own = handle_delegated_vcard(
        stanza(alice_set("<NICKNAME>x</NICKNAME>", "Alice@xmpp.example.com")), "xmpp.example.com",
        nullptr, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_TRUE(own.error.empty());
    EXPECT_TRUE(own.store);
}

TEST(Policy, UserWithoutBindingGetsTheVcardAsStored) {
    const auto out =
        handle_delegated_vcard(stanza(alice_set("<NICKNAME>x</NICKNAME>")), "xmpp.example.com",
                               nullptr, nullptr, {}, VcardGuard::refuse, true);
    ASSERT_TRUE(out.store);
    EXPECT_EQ(out.store->vcard.serialize(),
              "<vCard xmlns='vcard-temp'><NICKNAME>x</NICKNAME></vCard>");
}

TEST(Policy, WithoutStorageSetsAreRefused) {
    const auto out = handle_delegated_vcard(stanza(alice_set(kAliceTels)), "xmpp.example.com",
                                            nullptr, nullptr, {}, VcardGuard::refuse, false);
    EXPECT_EQ(out.error, "service-unavailable");
}

TEST(Policy, AnotherDomainsUserIsNotThisServersToAnswerFor) {
    const auto out = handle_delegated_vcard(
        stanza("<iq xmlns='jabber:client' type='get' id='q' from='bob@xmpp.example.com/r' "
               "to='carol@other.example'><vCard xmlns='vcard-temp'/></iq>"),
        "xmpp.example.com", nullptr, nullptr, {}, VcardGuard::refuse, true);
    EXPECT_EQ(out.error, "forbidden");
}

// ---- echoes: what the component showed the user is never their word ----

const std::vector<std::string> kAliceShown = {"sip:alice@sip.example.com", "+4930123456"};

constexpr std::string_view kAliceGetsHers =
    "<iq xmlns='jabber:client' type='get' id='g1' from='alice@xmpp.example.com/home'>"
    "<vCard xmlns='vcard-temp'/></iq>";

// What a client holds after a get and sends back: the children of the vCard it was shown.
std::string held(const DelegatedVcardOutcome& got) {
    const XmlElement* vcard = got.reply.child("vCard", ns::vcard_temp);
    std::string body;
    for (const auto& c : vcard ? vcard->children : std::vector<XmlElement>{}) {
        body += c.serialize(ns::vcard_temp);
    }
    return body;
}

// alice's client fetches her vCard while her binding is verified: what it holds, and what the
// component remembers as shown (nothing stored of hers yet: the get shows the TELs even then).
std::pair<std::string, std::vector<std::string>> fetched_while_verified(
    const StoredVcard* stored = nullptr) {
    const auto verified = alice();
    const store::BindingView b = verified;
    const auto got = handle_delegated_vcard(stanza(kAliceGetsHers), "xmpp.example.com", &b, stored,
                                            {}, VcardGuard::refuse, true);
    return {held(got), got.newly_shown};
}

TEST(Echo, WhatAnOwnersGetAddsIsRememberedBeforeItIsShown) {
    const auto verified = alice();
    const store::BindingView b = verified;
    auto get = [&](std::string_view wire, const store::BindingView* binding,
                   const std::vector<std::string>& shown) {
        return handle_delegated_vcard(stanza(wire), "xmpp.example.com", binding, nullptr, shown,
                                      VcardGuard::refuse, true)
            .newly_shown;
    };
    EXPECT_EQ(get(kAliceGetsHers, &b, {}), kAliceShown);
    EXPECT_EQ(get(kAliceGetsHers, &b, {"+4930123456"}),
              std::vector<std::string>{"sip:alice@sip.example.com"});
    EXPECT_TRUE(get(kAliceGetsHers, &b, kAliceShown).empty());  // remembered once
    EXPECT_TRUE(get(kBobGetsAlice, &b, {}).empty());            // not in alice's copy
    const auto unverified = testing::unverified_alice();
    const store::BindingView u = unverified;
    EXPECT_TRUE(get(kAliceGetsHers, &u, {}).empty());  // nothing added, nothing shown
    EXPECT_TRUE(get(kAliceGetsHers, nullptr, {}).empty());
}

TEST(Echo, AVcardFetchedWhileVerifiedAndSentBackAfterUnverifyListsNothing) {
    const auto [copy, shown] = fetched_while_verified();
    ASSERT_EQ(shown, kAliceShown);
    const auto unverified = testing::unverified_alice();  // the operator ran `unverify`
    const store::BindingView u = unverified;
    for (auto mode : {VcardGuard::refuse, VcardGuard::correct}) {
        const auto out = handle_delegated_vcard(stanza(alice_set(copy + "<NICKNAME>a</NICKNAME>")),
                                                "xmpp.example.com", &u, nullptr, shown, mode, true);
        EXPECT_TRUE(out.error.empty()) << out.detail;
        ASSERT_TRUE(out.store);
        // Neither the address nor the number is stored as hers, and nothing is listed.
        EXPECT_EQ(out.store->vcard.serialize(),
                  "<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>");
        EXPECT_TRUE(out.store->listed_sip.empty());
        EXPECT_TRUE(out.unlisted);
        EXPECT_EQ(out.still_shown, kAliceShown);  // still carried: still remembered
        EXPECT_EQ(out.detail,
                  "not taken as typed (the component showed it before): TEL "
                  "sip:alice@sip.example.com, +4930123456");
    }
}

TEST(Echo, AnEchoListsNothingWhateverBecameOfTheBinding) {
    const auto [copy, shown] = fetched_while_verified();
    const auto repointed =
        store::make_binding("sip:alice@new.example.com", "alice@xmpp.example.com", "Alice", {},
                            store::Verification::Admin);
    const store::BindingView r = repointed;
    const auto unverified_repointed =
        store::make_binding("sip:alice@new.example.com", "alice@xmpp.example.com", "Alice", {},
                            store::Verification::Unverified);
    const store::BindingView ur = unverified_repointed;
    struct Case {
        const char* what;
        const store::BindingView* binding;
    } cases[] = {{"removed", nullptr}, {"re-pointed, unverified", &ur}, {"re-pointed", &r}};
    for (const auto& c : cases) {
        const auto out =
            handle_delegated_vcard(stanza(alice_set(copy)), "xmpp.example.com", c.binding, nullptr,
                                   shown, VcardGuard::correct, true);
        ASSERT_TRUE(out.store) << c.what << ": " << out.detail;
        EXPECT_TRUE(out.store->listed_sip.empty()) << c.what;
        EXPECT_EQ(out.store->vcard.serialize(), "<vCard xmlns='vcard-temp'/>") << c.what;
    }
}

TEST(Echo, WhatTheUserTypedBeforeStaysTheirsWhenShownBackToThem) {
    // Typed while unverified: her address and her number; then verified, fetched, unverified.
    const StoredVcard before{
        stanza("<vCard xmlns='vcard-temp'><TEL><NUMBER>SIP:alice@sip.example.com</NUMBER></TEL>"
               "<TEL><NUMBER>+49 30 123456</NUMBER></TEL></vCard>"),
        {"sip:alice@sip.example.com"}};
    const auto [copy, shown] = fetched_while_verified(&before);
    EXPECT_EQ(shown, kAliceShown);
    const auto unverified = testing::unverified_alice();
    const store::BindingView u = unverified;
    const auto out = handle_delegated_vcard(stanza(alice_set(copy)), "xmpp.example.com", &u,
                                            &before, shown, VcardGuard::refuse, true);
    ASSERT_TRUE(out.store);
    EXPECT_EQ(out.store->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
    EXPECT_EQ(out.store->vcard.serialize(), "<vCard xmlns='vcard-temp'>" + kAliceTels + "</vCard>");
    EXPECT_TRUE(out.detail.empty()) << out.detail;
}

TEST(Echo, ASetWithoutAShownValueForgetsItSoThatTypingItLaterCounts) {
    const auto [copy, shown] = fetched_while_verified();
    const auto unverified = testing::unverified_alice();
    const store::BindingView u = unverified;
    const std::string typed = "<TEL><VOICE/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>";
    auto set = [&](const std::string& body, const std::vector<std::string>& remembered) {
        return handle_delegated_vcard(stanza(alice_set(body)), "xmpp.example.com", &u, nullptr,
                                      remembered, VcardGuard::refuse, true);
    };
    // Typed at once: indistinguishable from a client sending back the copy it holds.
    const auto at_once = set("<NICKNAME>a</NICKNAME>" + typed, shown);
    ASSERT_TRUE(at_once.store);
    EXPECT_TRUE(at_once.store->listed_sip.empty());
    EXPECT_EQ(at_once.still_shown, std::vector<std::string>{"sip:alice@sip.example.com"});
    // Saved once without it: forgotten; typed in a later set: hers.
    const auto without = set("<NICKNAME>a</NICKNAME>", at_once.still_shown);
    ASSERT_TRUE(without.store);
    EXPECT_TRUE(without.still_shown.empty());
    const auto later = set("<NICKNAME>a</NICKNAME>" + typed, without.still_shown);
    ASSERT_TRUE(later.store);
    EXPECT_EQ(later.store->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
    EXPECT_FALSE(later.unlisted);
}

TEST(Echo, AMutualBindingsAddressCountsOnlyWhenTheUsersVcardListsIt) {
    auto owned = alice();
    owned.verification = store::Verification::Mutual;
    const store::BindingView b = owned;
    const auto echoed = handle_delegated_vcard(stanza(alice_set(kAliceTels)), "xmpp.example.com",
                                               &b, nullptr, kAliceShown, VcardGuard::refuse, true);
    ASSERT_TRUE(echoed.store);
    EXPECT_TRUE(echoed.store->listed_sip.empty());
    EXPECT_TRUE(echoed.unlisted);  // the adapter drops it to unverified
    const StoredVcard listing{stanza("<vCard xmlns='vcard-temp'><TEL><NUMBER>sip:alice@"
                                     "sip.example.com</NUMBER></TEL></vCard>"),
                              {"sip:alice@sip.example.com"}};
    const auto kept = handle_delegated_vcard(stanza(alice_set(kAliceTels)), "xmpp.example.com", &b,
                                             &listing, kAliceShown, VcardGuard::refuse, true);
    ASSERT_TRUE(kept.store);
    EXPECT_EQ(kept.store->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
    EXPECT_FALSE(kept.unlisted);
}

// ---- the wire, through the service ----

class Wire : public ::testing::Test {
  protected:
    Wire() { snapshot_ = store::Snapshot::build({alice()}, 1); }
    std::unique_ptr<testing::Router> service(VcardGuard guard = VcardGuard::refuse) {
        DirectorySettings s;
        s.domain = "sip.example.com";
        s.local_domains = {"xmpp.example.com"};
        s.trusted_servers = {"xmpp.example.com"};
        s.vcard_guard = guard;
        return std::make_unique<testing::Router>([this] { return snapshot_; }, s, SearchLimits{},
                                                 registry_,
                                                 std::make_shared<VcardStore>(path_.string()));
    }
    static std::string answer(testing::Router& svc, std::string_view wire) {
        std::string out;
        for (const auto& r : svc.handle(stanza(wire))) out += r.serialize();
        return out;
    }

    testing::TempSqliteFile file_{"cusax-vcards"};
    const std::filesystem::path& path_ = file_.path();
    std::shared_ptr<const store::Snapshot> snapshot_;
    counters::Registry registry_;
};

TEST_F(Wire, GetIsAnsweredWrappedWithAnExplicitJabberClientNamespace) {
    auto svc = service();
    EXPECT_EQ(answer(*svc, delegated(kBobGetsAlice)),
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' id='d1'>"
              "<delegation xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'>"
              "<iq xmlns='jabber:client' type='result' from='alice@xmpp.example.com' "
              "to='bob@xmpp.example.com/r' id='q1'><vCard xmlns='vcard-temp'>" +
                  kAliceTels + "</vCard></iq></forwarded></delegation></iq>");
}

TEST_F(Wire, ErrorsAreWrappedToo) {
    auto svc = service();
    const std::string out =
        answer(*svc, delegated(alice_set("<NICKNAME>x</NICKNAME>", "bob@xmpp.example.com")));
    EXPECT_EQ(out,
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' id='d1'>"
              "<delegation xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'>"
              "<iq xmlns='jabber:client' type='error' from='bob@xmpp.example.com' "
              "to='alice@xmpp.example.com/home' id='s1'><error type='auth'><forbidden "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>only the owner of a "
              "vCard may change it</text></error></iq></forwarded></delegation></iq>");
}

TEST_F(Wire, DelegationFromAClientIsRefusedAndNotActedUpon) {
    auto svc = service();
    const std::string refused =
        answer(*svc, delegated(alice_set("<NICKNAME>pwned</NICKNAME>" + kAliceTels),
                               "mallory@xmpp.example.com/r"));
    EXPECT_NE(refused.find("<iq type='error' from='sip.example.com' "
                           "to='mallory@xmpp.example.com/r' id='d1'><error type='auth'><forbidden"),
              std::string::npos)
        << refused;
    EXPECT_EQ(answer(*svc, delegated(kBobGetsAlice)).find("pwned"), std::string::npos);
    EXPECT_EQ(answer(*svc,
                     "<message from='xmpp.example.com' to='sip.example.com'><delegation "
                     "xmlns='urn:xmpp:delegation:2'><delegated namespace='vcard-temp'/>"
                     "</delegation></message>"),
              "");
}

TEST_F(Wire, APartnerDomainLetInToSearchMayNotDelegate) {
    DirectorySettings s;
    s.domain = "sip.example.com";
    s.local_domains = {"xmpp.example.com", "partner.example"};
    s.trusted_servers = {"xmpp.example.com"};
    testing::Router svc([this] { return snapshot_; }, s, SearchLimits{}, registry_,
                        std::make_shared<VcardStore>(path_.string()));
    const std::string forged =
        "<iq xmlns='jabber:client' type='get' id='q1' from='eve@partner.example/r' "
        "to='alice@partner.example'><vCard xmlns='vcard-temp'/></iq>";
    EXPECT_EQ(answer(svc, delegated(forged, "partner.example")).find("<vCard"), std::string::npos);
    EXPECT_NE(answer(svc, delegated(kBobGetsAlice)).find("<vCard"), std::string::npos);
}

TEST_F(Wire, ASetSurvivesARestartAndGetsMergeIt) {
    {
        auto svc = service();
        const std::string out =
            answer(*svc, delegated(alice_set("<NICKNAME>ally</NICKNAME>" + kAliceTels)));
        EXPECT_NE(out.find("<iq xmlns='jabber:client' type='result' "
                           "to='alice@xmpp.example.com/home' id='s1'/>"),
                  std::string::npos)
            << out;
    }
    auto svc = service();  // a new process: the same file
    const std::string out = answer(*svc, delegated(kBobGetsAlice));
    EXPECT_NE(
        out.find("<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME>" + kAliceTels + "</vCard>"),
        std::string::npos)
        << out;
}

TEST_F(Wire, WhatAGetShowedIsStillNoListingAfterARestartAndAnUnverify) {
    {
        auto svc = service();  // verified: alice's client fetches her vCard
        const std::string got = answer(*svc, delegated(kAliceGetsHers));
        EXPECT_NE(got.find(kAliceTels), std::string::npos) << got;
    }
    snapshot_ = store::Snapshot::build({testing::unverified_alice()}, 2);
    auto svc = service();  // a new process, the binding unverified meanwhile
    const std::string out =
        answer(*svc, delegated(alice_set("<NICKNAME>ally</NICKNAME>" + kAliceTels)));
    EXPECT_NE(out.find("type='result'"), std::string::npos) << out;
    store::UserVcardStore rows(path_.string());
    const auto stored = rows.get("alice@xmpp.example.com");
    ASSERT_TRUE(stored);
    EXPECT_TRUE(stored->listed_sip.empty());
    EXPECT_EQ(stored->xml, "<vCard xmlns='vcard-temp'><NICKNAME>ally</NICKNAME></vCard>");
    EXPECT_EQ(rows.shown("alice@xmpp.example.com"),
              (std::vector<std::string>{"+4930123456", "sip:alice@sip.example.com"}));
}

TEST_F(Wire, AGetWhoseShownValuesCannotBeRememberedShowsNothing) {
    auto svc = service();
    {
        store::sqlite::Database db(path_.string());  // the file, as the service made it
        db.exec(
            "CREATE TRIGGER refuse BEFORE INSERT ON shown_values "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    }
    const std::string out = answer(*svc, delegated(kAliceGetsHers));
    EXPECT_NE(out.find("<internal-server-error"), std::string::npos) << out;
    EXPECT_EQ(out.find("sip:alice@"), std::string::npos) << out;
    // Others are still answered: nothing is remembered for them.
    EXPECT_NE(answer(*svc, delegated(kBobGetsAlice)).find(kAliceTels), std::string::npos);
}

TEST_F(Wire, RefusedSetLeavesTheStoredVcard) {
    auto svc = service();
    answer(*svc, delegated(alice_set("<NICKNAME>ally</NICKNAME>" + kAliceTels)));
    const std::string refused = answer(*svc, delegated(alice_set("<NICKNAME>evil</NICKNAME>")));
    EXPECT_NE(refused.find("<not-acceptable"), std::string::npos) << refused;
    const std::string out = answer(*svc, delegated(kBobGetsAlice));
    EXPECT_NE(out.find("<NICKNAME>ally</NICKNAME>"), std::string::npos) << out;
}

TEST_F(Wire, OwnVcardWithoutToIsTheSendersOwn) {
    auto svc = service();
    const std::string out =
        answer(*svc, delegated("<iq xmlns='jabber:client' type='get' id='o1' "
                               "from='alice@xmpp.example.com/home'><vCard xmlns='vcard-temp'/>"
                               "</iq>"));
    EXPECT_NE(out.find("sip:alice@sip.example.com"), std::string::npos) << out;
}

TEST_F(Wire, DiscoNestingProbesAreAnswered) {
    auto svc = service();
    EXPECT_EQ(answer(*svc,
                     "<iq type='get' id='n1' from='xmpp.example.com' to='sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info' "
                     "node='urn:xmpp:delegation:2::vcard-temp'/></iq>"),
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' id='n1'><query "
              "xmlns='http://jabber.org/protocol/disco#info' "
              "node='urn:xmpp:delegation:2::vcard-temp'/></iq>");
    EXPECT_EQ(answer(*svc,
                     "<iq type='get' id='n2' from='xmpp.example.com' to='sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info' "
                     "node='urn:xmpp:delegation:2:bare:vcard-temp'/></iq>"),
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' id='n2'><query "
              "xmlns='http://jabber.org/protocol/disco#info' "
              "node='urn:xmpp:delegation:2:bare:vcard-temp'><feature var='vcard-temp'/></query>"
              "</iq>");
}

}  // namespace
}  // namespace cusax::xmpp
