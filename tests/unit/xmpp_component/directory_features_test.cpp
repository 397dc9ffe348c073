// The component's answers through the router and its handler list, wire text in and wire text
// out, for each feature and error.
#include <gtest/gtest.h>

#include "test_router.hpp"
#include "wire_stanza.hpp"

namespace cusax::xmpp {
namespace {

using store::Binding;
using store::PhoneNumber;
using store::Verification;
using Clock = TokenBucketLimiter::Clock;

using testing::handle_stanza;
using testing::parse_stanza;

std::vector<Binding> test_bindings() {
    Binding alice;
    alice.aor = "sip:alice@sip.example.com";
    alice.jid = "alice@xmpp.example.com";
    alice.display_name = "Alice Liddell";
    alice.numbers = {PhoneNumber{"+4930123456", true, true}};
    alice.verification = Verification::Admin;

    Binding bob;  // another SIP host, unverified, a local number without video
    bob.aor = "sip:bob@pbx.example.org";
    bob.jid = "bob@xmpp.example.com";
    bob.numbers = {PhoneNumber{"1234", true, false}};
    bob.verification = Verification::Unverified;

    Binding carol;  // upper case in the user part, a name to escape, no numbers
    carol.aor = "sip:Carol@sip.example.com";
    carol.jid = "carol@xmpp.example.com";
    carol.display_name = "Carol O'Neil & Co";
    carol.verification = Verification::Directory;
    return {alice, bob, carol};
}

class DirectoryPolicy : public ::testing::Test {
  protected:
    DirectoryPolicy()
        : accounts_(store::Snapshot::build(test_bindings(), 1), "sip.example.com"),
          limiter_(1.0, 3.0) {
        settings_.domain = "sip.example.com";
        settings_.local_domains = {"xmpp.example.com"};
        settings_.trusted_servers = {"xmpp.example.com"};
    }

    // Everything sent back, serialised as on the component stream.
    std::string answer(std::string_view wire) {
        outcome_ = handle_stanza(parse_stanza(wire), accounts_, settings_, limiter_, now_);
        std::string out;
        for (const auto& r : outcome_.replies) out += r.serialize();
        return out;
    }

    AccountIndex accounts_;
    DirectorySettings settings_;
    TokenBucketLimiter limiter_;
    Clock::time_point now_{};
    HandlerOutcome outcome_;
};

constexpr std::string_view kErrNs = "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'";

std::string error_of(std::string_view head, std::string_view type, std::string_view condition,
                     std::string_view text = {}) {
    std::string s = std::string(head) + "<error type='" + std::string(type) + "'><" +
                    std::string(condition) + " " + std::string(kErrNs) + "/>";
    if (!text.empty()) {
        s += "<text " + std::string(kErrNs) + " xml:lang='en'>" + std::string(text) + "</text>";
    }
    return s + "</error>";
}

// ---- vcard-temp ----

TEST_F(DirectoryPolicy, VcardTempOfAVerifiedAccountWithVideo) {
    EXPECT_EQ(answer("<iq type='get' id='v1' from='juliet@xmpp.example.com/balcony' "
                     "to='alice@sip.example.com' xml:lang='en'><vCard xmlns='vcard-temp'/></iq>"),
              "<iq type='result' from='alice@sip.example.com' "
              "to='juliet@xmpp.example.com/balcony' id='v1'><vCard xmlns='vcard-temp'>"
              "<FN>Alice Liddell</FN>"
              "<TEL><VOICE/><VIDEO/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>"
              "<TEL><VOICE/><VIDEO/><NUMBER>+4930123456</NUMBER></TEL>"
              "<JABBERID>alice@xmpp.example.com</JABBERID></vCard></iq>");
    EXPECT_EQ(outcome_.kind, "vcard-temp");
    EXPECT_EQ(outcome_.aor, "sip:alice@sip.example.com");
}

TEST_F(DirectoryPolicy, VcardTempOfAnUnverifiedAccountHasNoJabberidAndNoVideo) {
    // sip:bob@pbx.example.org is not on the component domain: XEP-0106-escaped localpart.
    EXPECT_EQ(answer("<iq type='get' id='v2' from='juliet@xmpp.example.com/b' "
                     "to='bob\\40pbx.example.org@sip.example.com'><vCard xmlns='vcard-temp'/>"
                     "</iq>"),
              "<iq type='result' from='bob\\40pbx.example.org@sip.example.com' "
              "to='juliet@xmpp.example.com/b' id='v2'><vCard xmlns='vcard-temp'><FN>bob</FN>"
              "<TEL><VOICE/><NUMBER>sip:bob@pbx.example.org</NUMBER></TEL>"
              "<TEL><VOICE/><NUMBER>1234</NUMBER></TEL></vCard></iq>");
}

TEST_F(DirectoryPolicy, VcardTempEscapesAndFindsCaseMappedAccounts) {
    // Servers case-map the localpart: sip:Carol@… is asked for as carol@….
    EXPECT_EQ(answer("<iq type='get' id='v3' from='j@xmpp.example.com/r' "
                     "to='carol@sip.example.com'><vCard xmlns='vcard-temp'/></iq>"),
              "<iq type='result' from='carol@sip.example.com' to='j@xmpp.example.com/r' "
              "id='v3'><vCard xmlns='vcard-temp'><FN>Carol O'Neil &amp; Co</FN>"
              "<TEL><VOICE/><NUMBER>sip:Carol@sip.example.com</NUMBER></TEL>"
              "<JABBERID>carol@xmpp.example.com</JABBERID></vCard></iq>");
}

TEST_F(DirectoryPolicy, ANumberLocalpartIsAnAliasOfItsBinding) {
    const std::string reply = answer(
        "<iq type='get' id='n1' from='j@xmpp.example.com/r' to='+4930123456@sip.example.com'>"
        "<vCard xmlns='vcard-temp'/></iq>");
    EXPECT_NE(reply.find("from='+4930123456@sip.example.com'"), std::string::npos) << reply;
    EXPECT_NE(reply.find("<FN>Alice Liddell</FN>"), std::string::npos) << reply;
}

TEST_F(DirectoryPolicy, VcardSetIsNotAllowed) {
    EXPECT_EQ(answer("<iq type='set' id='s1' from='alice@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><vCard xmlns='vcard-temp'><FN>Mallory</FN>"
                     "</vCard></iq>"),
              error_of("<iq type='error' from='alice@sip.example.com' "
                       "to='alice@xmpp.example.com/r' id='s1'>",
                       "cancel", "not-allowed", "this directory is read-only") +
                  "</iq>");
    EXPECT_EQ(outcome_.error, "not-allowed");
}

TEST_F(DirectoryPolicy, UnknownAccountIsServiceUnavailable) {
    EXPECT_EQ(answer("<iq type='get' id='u1' from='j@xmpp.example.com/r' "
                     "to='nobody@sip.example.com'><vCard xmlns='vcard-temp'/></iq>"),
              error_of("<iq type='error' from='nobody@sip.example.com' "
                       "to='j@xmpp.example.com/r' id='u1'>",
                       "cancel", "service-unavailable") +
                  "</iq>");
    EXPECT_EQ(outcome_.kind, "unknown-account");
}

// ---- vCard4 (XEP-0292) ----

TEST_F(DirectoryPolicy, Vcard4ThroughPepItems) {
    EXPECT_EQ(
        answer("<iq type='get' id='p1' from='j@xmpp.example.com/r' to='alice@sip.example.com'>"
               "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'/>"
               "</pubsub></iq>"),
        "<iq type='result' from='alice@sip.example.com' to='j@xmpp.example.com/r' id='p1'>"
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'>"
        "<item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
        "<fn><text>Alice Liddell</text></fn>"
        "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
        "<uri>sip:alice@sip.example.com</uri></tel>"
        "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
        "<uri>tel:+4930123456</uri></tel>"
        "<impp><uri>xmpp:alice@xmpp.example.com</uri></impp>"
        "</vcard></item></items></pubsub></iq>");
    EXPECT_EQ(outcome_.kind, "vcard4");
}

TEST_F(DirectoryPolicy, Vcard4OfAnUnverifiedBindingHasNoImppAndALocalNumberAsText) {
    const std::string reply = answer(
        "<iq type='get' id='p2' from='j@xmpp.example.com/r' "
        "to='bob\\40pbx.example.org@sip.example.com'><vcard "
        "xmlns='urn:ietf:params:xml:ns:vcard-4.0'/></iq>");
    EXPECT_EQ(reply,
              "<iq type='result' from='bob\\40pbx.example.org@sip.example.com' "
              "to='j@xmpp.example.com/r' id='p2'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>"
              "<fn><text>bob</text></fn>"
              "<tel><parameters><type><text>voice</text></type></parameters>"
              "<uri>sip:bob@pbx.example.org</uri></tel>"
              "<tel><parameters><type><text>voice</text></type></parameters>"
              "<text>1234</text></tel></vcard></iq>");
}

TEST_F(DirectoryPolicy, PubsubUnknownNodeAndPublishAreRefused) {
    EXPECT_NE(
        answer("<iq type='get' id='p3' from='j@xmpp.example.com/r' "
               "to='alice@sip.example.com'><pubsub "
               "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:avatar:data'/>"
               "</pubsub></iq>")
            .find("<item-not-found"),
        std::string::npos);
    EXPECT_NE(answer("<iq type='set' id='p4' from='alice@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><pubsub "
                     "xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:vcard4'/>"
                     "</pubsub></iq>")
                  .find("<not-allowed"),
              std::string::npos);
}

// ---- reach (XEP-0152) ----

TEST_F(DirectoryPolicy, ProbeIsAnsweredWithReachAddresses) {
    EXPECT_EQ(answer("<presence type='probe' from='juliet@xmpp.example.com' "
                     "to='alice@sip.example.com'/>"),
              "<presence from='alice@sip.example.com' to='juliet@xmpp.example.com'>"
              "<reach xmlns='urn:xmpp:reach:0'><addr uri='sip:alice@sip.example.com'/>"
              "<addr uri='tel:+4930123456'/></reach></presence>");
}

TEST_F(DirectoryPolicy, SubscribeIsApprovedAndFollowedByPresence) {
    EXPECT_EQ(answer("<presence type='subscribe' from='juliet@xmpp.example.com/balcony' "
                     "to='alice@sip.example.com'/>"),
              "<presence from='alice@sip.example.com' to='juliet@xmpp.example.com' "
              "type='subscribed'/>"
              "<presence from='alice@sip.example.com' to='juliet@xmpp.example.com'>"
              "<reach xmlns='urn:xmpp:reach:0'><addr uri='sip:alice@sip.example.com'/>"
              "<addr uri='tel:+4930123456'/></reach></presence>");
}

TEST_F(DirectoryPolicy, ReachThroughPepItems) {
    EXPECT_EQ(
        answer("<iq type='get' id='r1' from='j@xmpp.example.com/r' to='alice@sip.example.com'>"
               "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:reach:0'/>"
               "</pubsub></iq>"),
        "<iq type='result' from='alice@sip.example.com' to='j@xmpp.example.com/r' id='r1'>"
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:reach:0'>"
        "<item id='current'><reach xmlns='urn:xmpp:reach:0'>"
        "<addr uri='sip:alice@sip.example.com'/><addr uri='tel:+4930123456'/></reach></item>"
        "</items></pubsub></iq>");
}

// RFC 6121 §4.3.2: a probe to an account that does not exist is answered unsubscribed; a
// subscription request too, so that it does not stay pending for ever.
TEST_F(DirectoryPolicy, ProbeAndSubscribeToUnknownAccountsAreAnsweredUnsubscribed) {
    EXPECT_EQ(answer("<presence type='probe' from='j@xmpp.example.com' "
                     "to='nobody@sip.example.com'/>"),
              "<presence from='nobody@sip.example.com' to='j@xmpp.example.com' "
              "type='unsubscribed'/>");
    EXPECT_EQ(answer("<presence type='subscribe' from='j@xmpp.example.com/r' "
                     "to='Nobody@sip.example.com'/>"),
              "<presence from='Nobody@sip.example.com' to='j@xmpp.example.com' "
              "type='unsubscribed'/>");
}

TEST_F(DirectoryPolicy, OtherPresenceIsIgnored) {
    EXPECT_EQ(answer("<presence from='j@xmpp.example.com/r' to='nobody@sip.example.com'/>"), "");
    EXPECT_EQ(answer("<presence type='unsubscribe' from='j@xmpp.example.com/r' "
                     "to='nobody@sip.example.com'/>"),
              "");
    EXPECT_EQ(answer("<presence from='j@xmpp.example.com/r' to='alice@sip.example.com'/>"), "");
    EXPECT_EQ(answer("<presence type='unavailable' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'/>"),
              "");
}

TEST_F(DirectoryPolicy, UnsubscribeIsConfirmed) {
    EXPECT_EQ(answer("<presence type='unsubscribe' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'/>"),
              "<presence from='alice@sip.example.com' to='j@xmpp.example.com' "
              "type='unsubscribed'/>");
}

// ---- disco (XEP-0030) ----

TEST_F(DirectoryPolicy, DiscoInfoOfTheDomain) {
    EXPECT_EQ(answer("<iq type='get' id='d1' from='j@xmpp.example.com/r' to='sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='d1'>"
              "<query xmlns='http://jabber.org/protocol/disco#info'>"
              "<identity category='directory' type='user' name='SIP directory'/>"
              "<feature var='http://jabber.org/protocol/disco#info'/>"
              "<feature var='http://jabber.org/protocol/disco#items'/>"
              "<feature var='jabber:iq:search'/><feature var='urn:xmpp:ping'/>"
              "<feature var='vcard-temp'/></query></iq>");
}

TEST_F(DirectoryPolicy, DiscoInfoOfAnAccount) {
    const std::string reply = answer(
        "<iq type='get' id='d2' from='j@xmpp.example.com/r' to='alice@sip.example.com'>"
        "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    for (std::string_view part :
         {"<identity category='account' type='registered' name='Alice Liddell'/>",
          "<identity category='pubsub' type='pep'/>", "<feature var='vcard-temp'/>",
          "<feature var='urn:xmpp:vcard4'/>", "<feature var='urn:xmpp:reach:0'/>",
          "<feature var='http://jabber.org/protocol/pubsub'/>"}) {
        EXPECT_NE(reply.find(part), std::string::npos) << part << "\n" << reply;
    }
}

TEST_F(DirectoryPolicy, DiscoItemsOfTheDomainListAccountsToLocalUsersOnly) {
    EXPECT_EQ(answer("<iq type='get' id='d3' from='j@xmpp.example.com/r' to='sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>"),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='d3'>"
              "<query xmlns='http://jabber.org/protocol/disco#items'>"
              "<item jid='alice@sip.example.com' name='Alice Liddell'/>"
              "<item jid='bob\\40pbx.example.org@sip.example.com' name='bob'/>"
              "<item jid='carol@sip.example.com' name='Carol O&apos;Neil &amp; Co'/>"
              "</query></iq>");
    EXPECT_EQ(answer("<iq type='get' id='d4' from='eve@elsewhere.example/r' to='sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>"),
              "<iq type='result' from='sip.example.com' to='eve@elsewhere.example/r' id='d4'>"
              "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
}

TEST_F(DirectoryPolicy, DiscoItemsOfAnAccountAreItsPepNodes) {
    EXPECT_EQ(answer("<iq type='get' id='d5' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>"),
              "<iq type='result' from='alice@sip.example.com' to='j@xmpp.example.com/r' id='d5'>"
              "<query xmlns='http://jabber.org/protocol/disco#items'>"
              "<item jid='alice@sip.example.com' node='urn:xmpp:vcard4'/>"
              "<item jid='alice@sip.example.com' node='urn:xmpp:reach:0'/></query></iq>");
}

// ---- search (XEP-0055, XEP-0004) ----

std::string search_set(std::string_view from, std::string_view var, std::string_view value) {
    return "<iq type='set' id='q1' from='" + std::string(from) +
           "' to='sip.example.com'><query xmlns='jabber:iq:search'>"
           "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
           "<value>jabber:iq:search</value></field><field var='" +
           std::string(var) + "'><value>" + std::string(value) +
           "</value></field></x></query></iq>";
}

TEST_F(DirectoryPolicy, SearchFormForLocalUsers) {
    EXPECT_EQ(answer("<iq type='get' id='f1' from='j@xmpp.example.com/r' to='sip.example.com'>"
                     "<query xmlns='jabber:iq:search'/></iq>"),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='f1'>"
              "<query xmlns='jabber:iq:search'><instructions>Enter a SIP address or a phone "
              "number to find the account it belongs to.</instructions>"
              "<x xmlns='jabber:x:data' type='form'><title>Find a SIP caller</title>"
              "<instructions>Enter a SIP address or a phone number to find the account it "
              "belongs to.</instructions>"
              "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:search</value></field>"
              "<field type='text-single' var='sip' label='SIP address'/>"
              "<field type='text-single' var='number' label='Phone number'/></x></query></iq>");
}

constexpr std::string_view kReported =
    "<reported><field type='jid-single' var='jid' label='Account'/>"
    "<field type='text-single' var='sip' label='SIP address'/>"
    "<field type='text-single' var='name' label='Name'/>"
    "<field type='jid-single' var='xmpp' label='XMPP address (verified)'/></reported>";

TEST_F(DirectoryPolicy, SearchByNumberInAnyUsualSpelling) {
    EXPECT_EQ(answer(search_set("j@xmpp.example.com/r", "number", "+49 (30) 123-456")),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='q1'>"
              "<query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' type='result'>"
              "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:search</value></field>" +
                  std::string(kReported) +
                  "<item><field var='jid'><value>alice@sip.example.com</value></field>"
                  "<field var='sip'><value>sip:alice@sip.example.com</value></field>"
                  "<field var='name'><value>Alice Liddell</value></field>"
                  "<field var='xmpp'><value>alice@xmpp.example.com</value></field></item>"
                  "</x></query></iq>");
    EXPECT_EQ(outcome_.aor, "sip:alice@sip.example.com");
}

TEST_F(DirectoryPolicy, SearchBySipUriOfAnUnverifiedBindingGivesNoJid) {
    const std::string reply = answer(
        search_set("j@xmpp.example.com/r", "sip", "&lt;sip:bob@PBX.example.org;transport=tcp&gt;"));
    EXPECT_NE(reply.find("<item><field var='jid'><value>bob\\40pbx.example.org@sip.example.com"
                         "</value></field><field var='sip'><value>sip:bob@pbx.example.org</value>"
                         "</field><field var='name'><value>bob</value></field></item>"),
              std::string::npos)
        << reply;
    EXPECT_EQ(reply.find("bob@xmpp.example.com"), std::string::npos) << reply;
}

TEST_F(DirectoryPolicy, SearchBySipUriWithoutSchemeAndByTelUri) {
    EXPECT_NE(answer(search_set("j@xmpp.example.com/r", "sip", "alice@sip.example.com"))
                  .find("<value>alice@sip.example.com</value>"),
              std::string::npos);
    EXPECT_NE(answer(search_set("j@xmpp.example.com/r", "sip", "tel:+49-30-123456"))
                  .find("<value>alice@sip.example.com</value>"),
              std::string::npos);
}

TEST_F(DirectoryPolicy, SearchWithoutMatchIsAnEmptyResult) {
    EXPECT_EQ(answer(search_set("j@xmpp.example.com/r", "number", "+15550000")),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='q1'>"
              "<query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' type='result'>"
              "<field type='hidden' var='FORM_TYPE'><value>jabber:iq:search</value></field>" +
                  std::string(kReported) + "</x></query></iq>");
}

TEST_F(DirectoryPolicy, SearchWithBadInputIsBadRequest) {
    EXPECT_NE(answer(search_set("j@xmpp.example.com/r", "number", "call me")).find("<bad-request"),
              std::string::npos);
    EXPECT_NE(answer(search_set("j@xmpp.example.com/r", "sip", "mailto:a@b")).find("<bad-request"),
              std::string::npos);
    EXPECT_NE(answer("<iq type='set' id='l1' from='j@xmpp.example.com/r' to='sip.example.com'>"
                     "<query xmlns='jabber:iq:search'><first>Alice</first></query></iq>")
                  .find("<bad-request"),
              std::string::npos);
}

TEST_F(DirectoryPolicy, SearchFromAnotherDomainIsForbidden) {
    EXPECT_EQ(answer(search_set("eve@elsewhere.example/r", "number", "+4930123456")),
              error_of("<iq type='error' from='sip.example.com' to='eve@elsewhere.example/r' "
                       "id='q1'>",
                       "auth", "forbidden", "search is open to users of this service only") +
                  "</iq>");
}

TEST_F(DirectoryPolicy, SearchPastTheRateLimitIsResourceConstraintUntilTokensReturn) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(answer(search_set("j@xmpp.example.com/r", "number", "1234")).find("<error"),
                  std::string::npos)
            << i;
    }
    EXPECT_EQ(answer(search_set("j@xmpp.example.com/other", "number", "1234")),
              error_of("<iq type='error' from='sip.example.com' to='j@xmpp.example.com/other' "
                       "id='q1'>",
                       "wait", "resource-constraint", "too many searches; try again later") +
                  "</iq>");
    // Another requester has a bucket of its own.
    EXPECT_EQ(answer(search_set("k@xmpp.example.com/r", "number", "1234")).find("<error"),
              std::string::npos);
    now_ += std::chrono::milliseconds(1100);  // one token per second
    EXPECT_EQ(answer(search_set("j@xmpp.example.com/r", "number", "1234")).find("<error"),
              std::string::npos);
    EXPECT_NE(answer(search_set("j@xmpp.example.com/r", "number", "1234")).find("<error"),
              std::string::npos);
}

// README: the account listing is rate limited per requester, like searches, and shares their
// bucket (a directory that anyone can walk quickly is a harvesting target).
TEST_F(DirectoryPolicy, DiscoItemsOfTheDomainPastTheRateLimitIsResourceConstraint) {
    const auto listing = [](std::string_view from) {
        return "<iq type='get' id='l1' from='" + std::string(from) +
               "' to='sip.example.com'><query xmlns='http://jabber.org/protocol/disco#items'/>"
               "</iq>";
    };
    for (int i = 0; i < 3; ++i) {  // the burst
        EXPECT_NE(answer(listing("j@xmpp.example.com/r")).find("<item jid='alice@sip.example.com'"),
                  std::string::npos)
            << i;
    }
    // The same bare JID from another resource: its bucket is empty.
    EXPECT_EQ(answer(listing("j@xmpp.example.com/other")),
              error_of("<iq type='error' from='sip.example.com' to='j@xmpp.example.com/other' "
                       "id='l1'>",
                       "wait", "resource-constraint", "too many requests; try again later") +
                  "</iq>");
    EXPECT_EQ(outcome_.error, "resource-constraint");
    EXPECT_EQ(outcome_.kind, "disco#items");
    // A search from the same requester finds the bucket the listings emptied.
    EXPECT_NE(
        answer(search_set("j@xmpp.example.com/r", "number", "1234")).find("resource-constraint"),
        std::string::npos);
    // Another requester has a bucket of its own; tokens come back with time.
    EXPECT_NE(answer(listing("k@xmpp.example.com/r")).find("<item "), std::string::npos);
    now_ += std::chrono::milliseconds(1100);  // one token per second
    EXPECT_NE(answer(listing("j@xmpp.example.com/r")).find("<item "), std::string::npos);
    EXPECT_NE(answer(listing("j@xmpp.example.com/r")).find("resource-constraint"),
              std::string::npos);
}

TEST_F(DirectoryPolicy, SearchToAnAccountIsServiceUnavailable) {
    EXPECT_NE(answer("<iq type='get' id='f2' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><query xmlns='jabber:iq:search'/></iq>")
                  .find("<service-unavailable"),
              std::string::npos);
}

// ---- ping, responses, unknown payloads, messages ----

TEST_F(DirectoryPolicy, PingIsAnswered) {
    EXPECT_EQ(answer("<iq type='get' id='pg' from='j@xmpp.example.com/r' to='sip.example.com'>"
                     "<ping xmlns='urn:xmpp:ping'/></iq>"),
              "<iq type='result' from='sip.example.com' to='j@xmpp.example.com/r' id='pg'/>");
    EXPECT_EQ(answer("<iq type='get' id='pa' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><ping xmlns='urn:xmpp:ping'/></iq>"),
              "<iq type='result' from='alice@sip.example.com' to='j@xmpp.example.com/r' "
              "id='pa'/>");
}

TEST_F(DirectoryPolicy, IqResultsAndErrorsAreNeverAnswered) {
    EXPECT_EQ(answer("<iq type='result' id='x' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'/>"),
              "");
    EXPECT_EQ(answer("<iq type='error' id='y' from='j@xmpp.example.com/r' to='sip.example.com'>"
                     "<error type='cancel'><service-unavailable "
                     "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"),
              "");
}

TEST_F(DirectoryPolicy, UnknownNamespaceIsServiceUnavailable) {
    EXPECT_EQ(answer("<iq type='get' id='k1' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><query xmlns='jabber:iq:version'/></iq>"),
              error_of("<iq type='error' from='alice@sip.example.com' "
                       "to='j@xmpp.example.com/r' id='k1'>",
                       "cancel", "service-unavailable") +
                  "</iq>");
}

TEST_F(DirectoryPolicy, IqWithoutPayloadIsBadRequest) {
    EXPECT_NE(answer("<iq type='get' id='e1' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'/>")
                  .find("<bad-request"),
              std::string::npos);
}

TEST_F(DirectoryPolicy, MessagesAreBouncedButErrorsAndHeadlinesAreNot) {
    EXPECT_EQ(answer("<message type='chat' id='m1' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><body>hi</body></message>"),
              error_of("<message type='error' from='alice@sip.example.com' "
                       "to='j@xmpp.example.com/r' id='m1'>",
                       "cancel", "service-unavailable",
                       "this address is a SIP account: call sip:alice@sip.example.com") +
                  "</message>");
    EXPECT_EQ(answer("<message type='error' id='m2' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'/>"),
              "");
    EXPECT_EQ(answer("<message type='headline' id='m3' from='j@xmpp.example.com/r' "
                     "to='alice@sip.example.com'><body>x</body></message>"),
              "");
}

// Only the server can send one (it stamps `from` on what it routes); an iq request is answered
// all the same (RFC 6120 §8.2.3), the reply without `to` going back to it, and never with what
// the request asked for.
TEST_F(DirectoryPolicy, AStanzaWithoutFromIsRefused) {
    EXPECT_EQ(answer("<iq type='get' id='nf' to='alice@sip.example.com'>"
                     "<vCard xmlns='vcard-temp'/></iq>"),
              "<iq type='error' from='alice@sip.example.com' id='nf'><error type='modify'>"
              "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>a stanza without "
              "from</text></error></iq>");
}

TEST_F(DirectoryPolicy, RepliesToJabberClientStanzasKeepTheirNamespace) {
    // A stanza forwarded in jabber:client (XEP-0355 delegation) is answered in jabber:client.
    EXPECT_EQ(answer("<iq xmlns='jabber:client' type='get' id='c1' from='j@xmpp.example.com/r' "
                     "to='sip.example.com'><ping xmlns='urn:xmpp:ping'/></iq>"),
              "<iq xmlns='jabber:client' type='result' from='sip.example.com' "
              "to='j@xmpp.example.com/r' id='c1'/>");
}

}  // namespace
}  // namespace cusax::xmpp
