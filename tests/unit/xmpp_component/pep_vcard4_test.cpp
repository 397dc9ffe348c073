// vCard4 through XEP-0356 privileged iq: the grant only from the server, the wrapping Prosody
// 0.12's mod_privilege takes and gives back (wire text captured from it), an absent node, the
// merge of the guaranteed tels and "nothing to publish" when they are there already.
#include "xmpp-component/pep_vcard4.hpp"

#include <gtest/gtest.h>

#include "test_bindings.hpp"
#include "wire_stanza.hpp"

namespace cusax::xmpp {
namespace {

constexpr auto stanza = testing::parse_stanza;

using testing::alice;

const std::vector<std::string> kServer{"xmpp.example.com"};

// ---- captured from Prosody 0.12.3 with mod_privilege ----

constexpr std::string_view kGrant =
    "<message from='xmpp.example.com' to='sip.example.com'><privilege "
    "xmlns='urn:xmpp:privilege:2'><perm access='iq'><namespace type='both' "
    "ns='http://jabber.org/protocol/pubsub'/></perm></privilege></message>";

constexpr std::string_view kNodeMissing =
    "<iq to='sip.example.com' type='result' from='alice@xmpp.example.com' id='g1'><privilege "
    "xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
    "to='alice@xmpp.example.com' type='error' id='g1' xmlns='jabber:client'><error "
    "type='cancel'><item-not-found "
    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq></forwarded></privilege></iq>";

constexpr std::string_view kFoundNickname =
    "<iq from='alice@xmpp.example.com' type='result' id='g9' to='sip.example.com'><privilege "
    "xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
    "xmlns='jabber:client' type='result' id='g9' to='alice@xmpp.example.com'><pubsub "
    "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'><item id='current' "
    "xmlns='http://jabber.org/protocol/pubsub'><vcard "
    "xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>A</text></fn><nickname><text>Ally</text>"
    "</nickname></vcard></item></items></pubsub></iq></forwarded></privilege></iq>";

constexpr std::string_view kPublished =
    "<iq to='sip.example.com' type='result' from='alice@xmpp.example.com' id='p1'><privilege "
    "xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
    "to='alice@xmpp.example.com' type='result' id='p1' xmlns='jabber:client'><pubsub "
    "xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:vcard4'><item "
    "id='current'/></publish></pubsub></iq></forwarded></privilege></iq>";

constexpr std::string_view kPreconditionNotMet =
    "<iq from='alice@xmpp.example.com' type='result' id='p2' to='sip.example.com'><privilege "
    "xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
    "xmlns='jabber:client' type='error' id='p2' to='alice@xmpp.example.com'><error "
    "type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Field does not match: access_model</text>"
    "<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>"
    "</forwarded></privilege></iq>";

constexpr std::string_view kNotAllowed =
    "<iq to='sip.example.com' type='error' from='alice@xmpp.example.com' id='g4'><error "
    "type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
    "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>you are not allowed to send privileged "
    "&lt;IQ&gt; stanzas of this type and namespace</text></error></iq>";

// ---- the grant ----

TEST(PrivilegeGrant, ProsodysAdvertisementGrantsPubsub) {
    const auto g = privilege_advertisement(stanza(kGrant), kServer);
    ASSERT_EQ(g.status, PrivilegeGrant::Status::ok);
    EXPECT_EQ(g.server, "xmpp.example.com");
    EXPECT_TRUE(g.pubsub_get);
    EXPECT_TRUE(g.pubsub_set);
    EXPECT_EQ(g.iq_namespaces, std::vector<std::string>{"http://jabber.org/protocol/pubsub"});
}

TEST(PrivilegeGrant, FromAnyoneElseIsUntrusted) {
    std::string forged(kGrant);
    forged.replace(forged.find("from='xmpp.example.com'"), 23, "from='bob@xmpp.example.com/r'");
    EXPECT_EQ(privilege_advertisement(stanza(forged), kServer).status,
              PrivilegeGrant::Status::untrusted);
    EXPECT_EQ(privilege_advertisement(stanza(kGrant), {"other.example.com"}).status,
              PrivilegeGrant::Status::untrusted);
}

TEST(PrivilegeGrant, GetOnlyOrOtherNamespacesDoNotGrantPublishing) {
    const auto g = privilege_advertisement(
        stanza("<message from='xmpp.example.com' to='sip.example.com'><privilege "
               "xmlns='urn:xmpp:privilege:2'><perm access='roster' type='get'/><perm "
               "access='iq'><namespace type='get' ns='http://jabber.org/protocol/pubsub'>"
               "<namespace type='both' ns='jabber:iq:roster'/></namespace></perm></privilege>"
               "</message>"),
        kServer);
    ASSERT_EQ(g.status, PrivilegeGrant::Status::ok);
    EXPECT_TRUE(g.pubsub_get);
    EXPECT_FALSE(g.pubsub_set);
    // Prosody nests a second <namespace/> in the first: still read.
    EXPECT_EQ(g.iq_namespaces.size(), 2u);
}

TEST(PrivilegeGrant, OtherMessagesAreNotAdvertisements) {
    EXPECT_EQ(privilege_advertisement(
                  stanza("<message from='xmpp.example.com' to='sip.example.com'><delegation "
                         "xmlns='urn:xmpp:delegation:2'><delegated namespace='vcard-temp'/>"
                         "</delegation></message>"),
                  kServer)
                  .status,
              PrivilegeGrant::Status::not_advertisement);
}

// ---- requests, as mod_privilege takes them ----

TEST(Requests, GetIsAPrivilegedItemsQueryAsTheUser) {
    EXPECT_EQ(vcard4_get_request("sip.example.com", "alice@xmpp.example.com", "g1").serialize(),
              "<iq type='get' id='g1' from='sip.example.com' to='alice@xmpp.example.com'>"
              "<privileged_iq xmlns='urn:xmpp:privilege:2'><iq xmlns='jabber:client' "
              "type='get' id='g1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
              "node='urn:xmpp:vcard4' max_items='1'/></pubsub></iq></privileged_iq></iq>");
}

TEST(Requests, PublishCreatesAMissingNodeOpen) {
    XmlElement vcard("vcard", std::string(ns::vcard4));
    const std::string open = vcard4_publish_request("sip.example.com", "alice@xmpp.example.com",
                                                    "p1", vcard, "current", true)
                                 .serialize();
    EXPECT_EQ(open,
              "<iq type='set' id='p1' from='sip.example.com' to='alice@xmpp.example.com'>"
              "<privileged_iq xmlns='urn:xmpp:privilege:2'><iq xmlns='jabber:client' "
              "type='set' id='p1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish "
              "node='urn:xmpp:vcard4'><item id='current'><vcard "
              "xmlns='urn:ietf:params:xml:ns:vcard-4.0'/></item></publish><publish-options><x "
              "xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "
              "type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value>"
              "</field><field var='pubsub#access_model'><value>open</value></field></x>"
              "</publish-options></pubsub></iq></privileged_iq></iq>");
    // An existing node keeps the user's own access model: no options.
    const std::string existing = vcard4_publish_request("sip.example.com", "alice@xmpp.example.com",
                                                        "p1", vcard, "v1", false)
                                     .serialize();
    EXPECT_EQ(existing.find("publish-options"), std::string::npos);
    EXPECT_NE(existing.find("<item id='v1'>"), std::string::npos);
}

// ---- answers ----

TEST(Answers, MissingNodeIsAnEmptyVcard4) {
    const auto f = read_vcard4_fetch(stanza(kNodeMissing));
    EXPECT_EQ(f.status, Vcard4Fetch::Status::absent);
    EXPECT_FALSE(f.node_exists);
}

TEST(Answers, EmptyNodeIsAnEmptyVcard4OfAnExistingNode) {
    const auto f = read_vcard4_fetch(
        stanza("<iq from='alice@xmpp.example.com' type='result' id='g2' to='sip.example.com'>"
               "<privilege xmlns='urn:xmpp:privilege:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
               "xmlns='jabber:client' type='result' id='g2'><pubsub "
               "xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'/></pubsub>"
               "</iq></forwarded></privilege></iq>"));
    EXPECT_EQ(f.status, Vcard4Fetch::Status::absent);
    EXPECT_TRUE(f.node_exists);
}

TEST(Answers, FoundItemIsTheUsersVcard) {
    const auto f = read_vcard4_fetch(stanza(kFoundNickname));
    ASSERT_EQ(f.status, Vcard4Fetch::Status::found);
    EXPECT_EQ(f.item_id, "current");
    ASSERT_NE(f.vcard.child("nickname", ns::vcard4), nullptr);
}

TEST(Answers, RefusalsAreFailuresNamingTheCondition) {
    const auto f = read_vcard4_fetch(stanza(kNotAllowed));
    EXPECT_EQ(f.status, Vcard4Fetch::Status::failed);
    EXPECT_NE(f.error.find("forbidden"), std::string::npos);
    EXPECT_EQ(read_vcard4_publish(stanza(kPublished)), "");
    EXPECT_EQ(read_vcard4_publish(stanza(kPreconditionNotMet)),
              "conflict (Field does not match: access_model)");
}

// ---- the merge ----

XmlElement vcard(std::string_view body) {
    return stanza("<iq type='result' id='x'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'>" +
                  std::string(body) + "</vcard></iq>")
        .children.front();
}

constexpr std::string_view kAliceTels =
    "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
    "<uri>sip:alice@sip.example.com</uri></tel>"
    "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
    "<uri>tel:+4930123456</uri></tel>";

std::string body(const XmlElement& v) {
    std::string out;
    for (const auto& c : v.children) out += c.serialize(ns::vcard4);
    return out;
}

TEST(Merge, NoVcardYetGetsTheGuaranteedTels) {
    const auto b = alice();
    const auto m = merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse);
    EXPECT_TRUE(m.publish);
    EXPECT_EQ(body(m.vcard), kAliceTels);
    EXPECT_EQ(m.detail, "added sip:alice@sip.example.com; added +4930123456");
}

TEST(Merge, TheUsersFieldsStayAndTheTelsAreAdded) {
    const auto b = alice();
    const auto current = read_vcard4_fetch(stanza(kFoundNickname)).vcard;
    const auto m = merge_vcard4(&current, &b, nullptr, VcardGuard::refuse);
    EXPECT_TRUE(m.publish);
    EXPECT_EQ(body(m.vcard), "<fn><text>A</text></fn><nickname><text>Ally</text></nickname>" +
                                 std::string(kAliceTels));
}

TEST(Merge, NothingToPublishWhenTheTelsAreThere) {
    const auto b = alice();
    const auto current = vcard("<fn><text>A</text></fn>" + std::string(kAliceTels));
    EXPECT_FALSE(merge_vcard4(&current, &b, nullptr, VcardGuard::correct).publish);
    // Also when the user wrote them their way: extra types, visual separators, a cell type.
    const auto theirs = vcard(
        "<tel><parameters><type><text>cell</text><text>VOICE</text><text>video</text></type>"
        "</parameters><uri>tel:+49-30-123456</uri></tel><tel><parameters><type><text>voice"
        "</text><text>video</text></type></parameters><uri>sip:alice@SIP.example.com</uri>"
        "</tel>");
    EXPECT_FALSE(merge_vcard4(&theirs, &b, nullptr, VcardGuard::refuse).publish);
    // And the result of a merge needs none (no publish storm).
    const auto merged = merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse).vcard;
    EXPECT_FALSE(merge_vcard4(&merged, &b, nullptr, VcardGuard::refuse).publish);
}

TEST(Merge, ATelRepeatingAGuaranteedOneWithFewerTypesIsReplaced) {
    const auto b = alice();
    // What Prosody's mod_vcard_legacy makes of a vcard-temp TEL: tel: + NUMBER, no types.
    const auto current = vcard(
        "<tel><uri>tel:sip:alice@sip.example.com</uri></tel><tel><parameters><type><text>"
        "voice</text><text>video</text></type></parameters><uri>tel:+4930123456</uri></tel>");
    const auto m = merge_vcard4(&current, &b, nullptr, VcardGuard::refuse);
    EXPECT_TRUE(m.publish);
    EXPECT_EQ(m.detail, "added sip:alice@sip.example.com");
    EXPECT_EQ(body(m.vcard),
              "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
              "<uri>tel:+4930123456</uri></tel><tel><parameters><type><text>voice</text><text>"
              "video</text></type></parameters><uri>sip:alice@sip.example.com</uri></tel>");
}

TEST(Merge, ForeignSipTelsGoOnlyWhenTheGuardCorrects) {
    const auto b = alice();
    const auto current =
        vcard(std::string(kAliceTels) + "<tel><uri>sip:mallory@evil.example</uri></tel>");
    EXPECT_FALSE(merge_vcard4(&current, &b, nullptr, VcardGuard::refuse).publish);
    const auto m = merge_vcard4(&current, &b, nullptr, VcardGuard::correct);
    EXPECT_TRUE(m.publish);
    EXPECT_EQ(m.detail, "removed sip:mallory@evil.example");
    EXPECT_EQ(body(m.vcard), kAliceTels);
}

// The vcard-temp guard's rule: a SIP address named anywhere in the value is another address
// unless it is the bound one ("Name <sip:...>", a no-break space before it, tel:sip:...).
TEST(Merge, ForeignSipTelsInOtherSpellingsGoToo) {
    const auto b = alice();
    for (const std::string spelt :
         {"Mallory &lt;sip:mallory@evil.example&gt;", "\xc2\xa0sip:mallory@evil.example",
          "&lt;sips:mallory@evil.example&gt;", "tel:sip:mallory@evil.example"}) {
        const auto current =
            vcard(std::string(kAliceTels) + "<tel><text>" + spelt + "</text></tel>");
        const auto m = merge_vcard4(&current, &b, nullptr, VcardGuard::correct);
        EXPECT_TRUE(m.publish) << spelt;
        EXPECT_EQ(body(m.vcard), kAliceTels) << spelt;
    }
    // Her own address in a name-addr is hers, not another.
    const auto own = vcard(std::string(kAliceTels) +
                           "<tel><text>Alice &lt;sip:alice@sip.example.com&gt;</text></tel>");
    EXPECT_FALSE(merge_vcard4(&own, &b, nullptr, VcardGuard::correct).publish);
}

TEST(Merge, TelsOfThePreviousBindingGo) {
    auto before = alice();
    auto now = alice();
    now.numbers = {{"+4930123999", true, false}};
    const auto current = vcard("<nickname><text>Ally</text></nickname>" + std::string(kAliceTels) +
                               "<tel><uri>tel:+15550000</uri></tel>");
    const auto m = merge_vcard4(&current, &now, &before, VcardGuard::refuse);
    EXPECT_TRUE(m.publish);
    // The SIP tel loses its video type with the number that had it.
    EXPECT_EQ(m.detail, "removed +4930123456; added sip:alice@sip.example.com; added +4930123999");
    EXPECT_EQ(body(m.vcard),
              "<nickname><text>Ally</text></nickname><tel><uri>tel:+15550000</uri></tel><tel>"
              "<parameters><type><text>voice</text></type></parameters><uri>sip:alice@"
              "sip.example.com</uri></tel><tel><parameters><type><text>voice</text></type>"
              "</parameters><uri>tel:+4930123999</uri></tel>");
    // Unbound: the tels of the old binding go, the user's own stay.
    const auto gone = merge_vcard4(&current, nullptr, &before, VcardGuard::correct);
    EXPECT_TRUE(gone.publish);
    EXPECT_EQ(body(gone.vcard),
              "<nickname><text>Ally</text></nickname><tel><uri>tel:+15550000</uri></tel>");
    EXPECT_FALSE(merge_vcard4(&gone.vcard, nullptr, &before, VcardGuard::correct).publish);
    EXPECT_FALSE(merge_vcard4(nullptr, nullptr, &before, VcardGuard::correct).publish);
}

TEST(Merge, AnUnverifiedBindingPublishesNothingAndLocksNothing) {
    const auto b = testing::unverified_alice();
    EXPECT_TRUE(guaranteed_vcard4_tels(b).empty());
    EXPECT_FALSE(merge_vcard4(nullptr, &b, nullptr, VcardGuard::refuse).publish);
    // The user's own fields, a foreign SIP address included, stay even when the guard corrects.
    const auto theirs = vcard("<tel><uri>sip:mallory@evil.example</uri></tel>");
    EXPECT_FALSE(merge_vcard4(&theirs, &b, nullptr, VcardGuard::correct).publish);
    // Demoted: what was published for the verified binding goes.
    const auto before = alice();
    const auto published = merge_vcard4(nullptr, &before, nullptr, VcardGuard::refuse).vcard;
    const auto m = merge_vcard4(&published, &b, &before, VcardGuard::refuse);
    EXPECT_TRUE(m.publish);
    EXPECT_EQ(body(m.vcard), "");
    EXPECT_FALSE(same_guaranteed_tels(&before, &b));
}

TEST(Merge, SipAddressesAreComparedAsTheVcardTempGuardDoes) {
    const auto b = alice();
    // tel:sip:… (Prosody's form of a vcard-temp NUMBER), SIP: in capitals, URI parameters.
    const auto theirs = vcard(
        "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
        "<uri>tel:SIP:alice@sip.example.com;transport=tcp</uri></tel>"
        "<tel><parameters><type><text>voice</text><text>video</text></type></parameters>"
        "<uri>tel:+49.30.123456</uri></tel>");
    EXPECT_FALSE(merge_vcard4(&theirs, &b, nullptr, VcardGuard::correct).publish);
}

TEST(Merge, SameGuaranteedTels) {
    auto a = alice();
    auto b = alice();
    b.display_name = "Other";
    b.verification = store::Verification::Admin;
    EXPECT_TRUE(same_guaranteed_tels(&a, &b));
    b.numbers[0].video = false;
    EXPECT_FALSE(same_guaranteed_tels(&a, &b));
    EXPECT_FALSE(same_guaranteed_tels(&a, nullptr));
    EXPECT_TRUE(same_guaranteed_tels(nullptr, nullptr));
}

}  // namespace
}  // namespace cusax::xmpp
