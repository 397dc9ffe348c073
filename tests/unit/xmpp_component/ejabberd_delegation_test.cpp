// XEP-0355 with ejabberd 23.01's mod_delegation (urn:xmpp:delegation:1): the stanzas below are
// ejabberd's, copied from its debug log ("Send XML on stream") on the component stream, and the
// answers are what ejabberd then accepted ("Received XML on stream"), byte for byte.
#include <gtest/gtest.h>

#include "test_router.hpp"
#include "wire_stanza.hpp"
#include "xmpp-component/vcard_delegation.hpp"

namespace cusax::xmpp {
namespace {

using Clock = TokenBucketLimiter::Clock;
constexpr auto stanza = testing::parse_stanza;
using testing::handle_stanza;

store::Binding alice() {
    store::Binding b;
    b.aor = "sip:alice@sip.example.com";
    b.jid = "alice@xmpp.example.com";
    b.numbers = {{"+4930123456", true, true}};
    b.verification = store::Verification::Admin;
    return b;
}

class EjabberdProbes : public ::testing::Test {
  protected:
    EjabberdProbes()
        : accounts_(store::Snapshot::build({alice()}, 1), "sip.example.com"), limiter_(1, 3) {
        settings_.domain = "sip.example.com";
        settings_.local_domains = {"xmpp.example.com"};
        settings_.trusted_servers = {"xmpp.example.com"};
    }
    std::string answer(std::string_view wire) {
        const auto outcome = handle_stanza(stanza(wire), accounts_, settings_, limiter_, {});
        std::string out;
        for (const auto& r : outcome.replies) out += r.serialize();
        return out;
    }
    AccountIndex accounts_;
    DirectorySettings settings_;
    TokenBucketLimiter limiter_;
};

// When the component connects, ejabberd asks these two; a result to one makes it delegate that
// half (ejabberd_local: iqs to the server domain; ejabberd_sm: iqs to its users' bare JIDs).
TEST_F(EjabberdProbes, ServerDomainHalfIsDeclinedSoEjabberdKeepsItsOwnVcard) {
    EXPECT_EQ(answer("<iq to='sip.example.com' from='xmpp.example.com' type='get' "
                     "id='rr-1795442320030-15404547055573341687-+AuD+OYsDFtrGhwpE3traGLa73Y=-"
                     "22188401'><query node='urn:xmpp:delegation:1::vcard-temp' "
                     "xmlns='http://jabber.org/protocol/disco#info'/></iq>"),
              "<iq type='error' from='sip.example.com' to='xmpp.example.com' "
              "id='rr-1795442320030-15404547055573341687-+AuD+OYsDFtrGhwpE3traGLa73Y=-22188401'>"
              "<error type='cancel'><item-not-found "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
}

TEST_F(EjabberdProbes, BareJidHalfIsAcceptedWithTheVcardFeature) {
    EXPECT_EQ(answer("<iq to='sip.example.com' from='xmpp.example.com' type='get' "
                     "id='rr-1795442320040-16791819415029468786-S4Z3SReHy/lMsgvn8hKAL26JrMo=-"
                     "22188401'><query node='urn:xmpp:delegation:1:bare:vcard-temp' "
                     "xmlns='http://jabber.org/protocol/disco#info'/></iq>"),
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' "
              "id='rr-1795442320040-16791819415029468786-S4Z3SReHy/lMsgvn8hKAL26JrMo=-22188401'>"
              "<query xmlns='http://jabber.org/protocol/disco#info' "
              "node='urn:xmpp:delegation:1:bare:vcard-temp'><feature var='vcard-temp'/>"
              "</query></iq>");
}

TEST_F(EjabberdProbes, ProsodysServerDomainProbeIsStillAnswered) {
    EXPECT_EQ(answer("<iq type='get' id='n1' from='xmpp.example.com' to='sip.example.com'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info' "
                     "node='urn:xmpp:delegation:2::vcard-temp'/></iq>"),
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' id='n1'><query "
              "xmlns='http://jabber.org/protocol/disco#info' "
              "node='urn:xmpp:delegation:2::vcard-temp'/></iq>");
}

TEST(EjabberdDelegation, AdvertisementIsRecognised) {
    const auto m = stanza(
        "<message to='sip.example.com' from='xmpp.example.com'><delegation "
        "xmlns='urn:xmpp:delegation:1'><delegated namespace='vcard-temp'/></delegation>"
        "</message>");
    EXPECT_EQ(delegation_advertisement(m, {"xmpp.example.com"}),
              std::vector<std::string>{"vcard-temp"});
}

// The forwarded iq: xml:lang first, xmlns='jabber:client' last, `to` always set (ejabberd fills
// in the bare JID of a user asking for their own vCard).
std::string answer_forwarded(std::string_view wire, const store::BindingView* binding,
                             const StoredVcard* stored) {
    const XmlElement outer = stanza(wire);
    const DelegatedRequest r = unwrap_delegation(outer, {"xmpp.example.com"});
    EXPECT_EQ(r.status, DelegatedRequest::Status::ok);
    if (r.status != DelegatedRequest::Status::ok) return {};
    EXPECT_EQ(r.delegation_ns, ns::delegation1);
    auto outcome =
        handle_delegated_vcard(*r.inner, r.server, binding, stored, {}, VcardGuard::refuse, true);
    return wrap_delegated_reply(outer, r.delegation_ns, std::move(outcome.reply)).serialize();
}

TEST(EjabberdDelegation, OwnVcardGetIsAnsweredInDelegation1) {
    const auto owned = alice();
    const store::BindingView b = owned;  // what a snapshot hands out
    StoredVcard stored{XmlElement("vCard", std::string(ns::vcard_temp)), {}};
    stored.vcard.add_text_child("NICKNAME", "Ally");
    EXPECT_EQ(
        answer_forwarded(
            "<iq to='sip.example.com' from='xmpp.example.com' type='set' "
            "id='rr-1795442321512-15442673994312512202-aI5mNC9hlkwTAJFy2gLz025JBCw=-22188401'>"
            "<delegation xmlns='urn:xmpp:delegation:1'><forwarded xmlns='urn:xmpp:forward:0'>"
            "<iq xml:lang='en' to='alice@xmpp.example.com' "
            "from='alice@xmpp.example.com/14519226032931539993611' type='get' "
            "id='07ee0633261d49748ddb1caa132141a4' xmlns='jabber:client'>"
            "<vCard xmlns='vcard-temp'/></iq></forwarded></delegation></iq>",
            &b, &stored),
        "<iq type='result' from='sip.example.com' to='xmpp.example.com' "
        "id='rr-1795442321512-15442673994312512202-aI5mNC9hlkwTAJFy2gLz025JBCw=-22188401'>"
        "<delegation xmlns='urn:xmpp:delegation:1'><forwarded xmlns='urn:xmpp:forward:0'>"
        "<iq xmlns='jabber:client' type='result' from='alice@xmpp.example.com' "
        "to='alice@xmpp.example.com/14519226032931539993611' "
        "id='07ee0633261d49748ddb1caa132141a4'><vCard xmlns='vcard-temp'>"
        "<NICKNAME>Ally</NICKNAME>"
        "<TEL><VOICE/><VIDEO/><NUMBER>sip:alice@sip.example.com</NUMBER></TEL>"
        "<TEL><VOICE/><VIDEO/><NUMBER>+4930123456</NUMBER></TEL></vCard></iq></forwarded>"
        "</delegation></iq>");
}

// An error goes back inside an iq *result* (the inner iq is the error): ejabberd 23.01 relays
// that one to the client with its text. (An outer iq of type error, measured with a stand-in
// component, reaches the client not at all: ejabberd logs nothing and the client times out.)
TEST(EjabberdDelegation, RefusedSetIsAnErrorInsideAResult) {
    const auto owned = alice();
    const store::BindingView b = owned;  // what a snapshot hands out
    EXPECT_EQ(answer_forwarded(
                  "<iq to='sip.example.com' from='xmpp.example.com' type='set' "
                  "id='rr-1795442321516-9969747860135057102-RVMgEifYjUC2NhqNuxeqMyG5Ywo=-22188401'>"
                  "<delegation xmlns='urn:xmpp:delegation:1'><forwarded xmlns='urn:xmpp:forward:0'>"
                  "<iq xml:lang='en' to='alice@xmpp.example.com' "
                  "from='alice@xmpp.example.com/14519226032931539993611' type='set' "
                  "id='8ab02ef2071f434b87f318a2443ec418' xmlns='jabber:client'>"
                  "<vCard xmlns='vcard-temp'><NICKNAME>Ally</NICKNAME>"
                  "<TEL><VOICE/><VIDEO/><NUMBER>sip:mallory@evil.example</NUMBER></TEL>"
                  "<TEL><VOICE/><VIDEO/><NUMBER>+4930123456</NUMBER></TEL></vCard></iq>"
                  "</forwarded></delegation></iq>",
                  &b, nullptr),
              "<iq type='result' from='sip.example.com' to='xmpp.example.com' "
              "id='rr-1795442321516-9969747860135057102-RVMgEifYjUC2NhqNuxeqMyG5Ywo=-22188401'>"
              "<delegation xmlns='urn:xmpp:delegation:1'><forwarded xmlns='urn:xmpp:forward:0'>"
              "<iq xmlns='jabber:client' type='error' from='alice@xmpp.example.com' "
              "to='alice@xmpp.example.com/14519226032931539993611' "
              "id='8ab02ef2071f434b87f318a2443ec418'><error type='modify'><not-acceptable "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>TEL "
              "sip:mallory@evil.example is not the SIP address bound to this account "
              "(sip:alice@sip.example.com); it cannot replace it</text></error></iq></forwarded>"
              "</delegation></iq>");
}

}  // namespace
}  // namespace cusax::xmpp
