// The vCard store as the component reads it: a stored vCard that does not parse is an error
// that is logged and answered as one, never "no vCard" (which the user's next set would
// silently replace); and what is stored always reads back as it was.
#include "xmpp-component/vcard_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "log_capture.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/xml/parse_element.hpp"
#include "temp_sqlite_file.hpp"
#include "test_bindings.hpp"
#include "test_router.hpp"
#include "wire_stanza.hpp"

namespace cusax::xmpp {
namespace {

class StoredVcards : public ::testing::Test {
  protected:
    testing::TempSqliteFile file_{"cusax-vcard-store"};
    const std::filesystem::path& path_ = file_.path();
    const std::shared_ptr<const store::Snapshot> snapshot_ =
        store::Snapshot::build({testing::alice()}, 1);

    // The component's router over this vCard file, alice bound, Prosody's host trusted.
    testing::Router router_over_the_store(counters::Registry& registry) {
        DirectorySettings s;
        s.domain = "sip.example.com";
        s.local_domains = {"xmpp.example.com"};
        s.trusted_servers = {"xmpp.example.com"};
        return testing::Router([this] { return snapshot_; }, s, SearchLimits{}, registry,
                               std::make_shared<VcardStore>(path_.string()));
    }
};

// What an earlier serialiser wrote for a vCard with an attribute in a namespace whose name
// holds "}": a prefix bound to half the name, the rest glued to the attribute's name.
constexpr std::string_view kUnreadable =
    "<vCard xmlns='vcard-temp' xmlns:ns0='urn:example:a' ns0:b}flag='1'><NICKNAME>ally"
    "</NICKNAME></vCard>";

TEST_F(StoredVcards, AStoredVcardThatDoesNotParseIsAnErrorNotNoVcard) {
    {
        store::UserVcardStore rows(path_.string());
        rows.put("alice@xmpp.example.com", {std::string(kUnreadable), {}});
    }
    VcardStore vcards(path_.string());
    EXPECT_THROW(vcards.get("alice@xmpp.example.com"), store::StoreError);
    EXPECT_FALSE(vcards.get("bob@xmpp.example.com"));  // none stored: none
}

TEST_F(StoredVcards, ADelegatedGetOfAnUnreadableVcardIsAnsweredWithAnErrorAndLogged) {
    {
        store::UserVcardStore rows(path_.string());
        rows.put("alice@xmpp.example.com", {std::string(kUnreadable), {}});
    }
    testing::LogCapture log_capture;
    counters::Registry registry;
    testing::Router router = router_over_the_store(registry);
    std::string out;
    for (const auto& r : router.handle(testing::parse_stanza(
             "<iq type='set' id='d1' from='xmpp.example.com' to='sip.example.com'><delegation "
             "xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
             "xmlns='jabber:client' type='get' id='q1' from='bob@xmpp.example.com/r' "
             "to='alice@xmpp.example.com'><vCard xmlns='vcard-temp'/></iq></forwarded>"
             "</delegation></iq>"))) {
        out += r.serialize();
    }
    EXPECT_NE(out.find("<iq xmlns='jabber:client' type='error' from='alice@xmpp.example.com' "
                       "to='bob@xmpp.example.com/r' id='q1'><error type='wait'>"
                       "<internal-server-error"),
              std::string::npos)
        << out;
    const auto logged = log_capture.lines("xmpp.vcard_store_failed");
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("jid=alice@xmpp.example.com"), std::string::npos) << logged[0];
}

// A delegated request answered is owed no more, whether its store job ran on a worker or at
// once inside submit() (InlineStoreJobs, as here): a stream closing then is not held up, nor
// does a SIGTERM while the stream is down connect again for it (StanzaHandler::owes_answers).
// The feature counted the request as owed only after submit() returned, once its answer had
// already gone: it owed it for ever.
TEST_F(StoredVcards, ADelegatedRequestAnsweredIsOwedNoMore) {
    counters::Registry registry;
    testing::Router router = router_over_the_store(registry);
    EXPECT_FALSE(router.owes_answers());
    std::string out;
    for (const auto& r : router.handle(testing::parse_stanza(
             "<iq type='set' id='d1' from='xmpp.example.com' to='sip.example.com'><delegation "
             "xmlns='urn:xmpp:delegation:2'><forwarded xmlns='urn:xmpp:forward:0'><iq "
             "xmlns='jabber:client' type='get' id='q1' from='bob@xmpp.example.com/r' "
             "to='alice@xmpp.example.com'><vCard xmlns='vcard-temp'/></iq></forwarded>"
             "</delegation></iq>"))) {
        out += r.serialize();
    }
    EXPECT_NE(out.find("id='q1'"), std::string::npos) << out;  // answered
    EXPECT_FALSE(router.owes_answers());
}

TEST_F(StoredVcards, WhatIsStoredReadsBackAsItWas) {
    // A set as a client may send it: an attribute in a namespace holding "}", an element in the
    // xml namespace.
    const auto vcard = parse_element(
        "<vCard xmlns='vcard-temp' xmlns:e='urn:example:a}b' e:flag='1'><NICKNAME "
        "xml:lang='en'>ally</NICKNAME><xml:note><FN>A</FN></xml:note></vCard>");
    ASSERT_TRUE(vcard);
    VcardStore vcards(path_.string());
    vcards.put("alice@xmpp.example.com", {*vcard, {"sip:alice@sip.example.com"}}, {});
    const auto back = vcards.get("alice@xmpp.example.com");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->vcard, *vcard);
    EXPECT_EQ(back->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
}

TEST_F(StoredVcards, AVcardThatWouldNotReadBackIsNotStored) {
    XmlElement vcard("vCard", std::string(ns::vcard_temp));
    vcard.add_text_child("NOTE", std::string("a\x01") + "b");  // no XML spelling for U+0001
    VcardStore vcards(path_.string());
    EXPECT_THROW(vcards.put("alice@xmpp.example.com", {vcard, {}}, {}), store::StoreError);
    EXPECT_FALSE(vcards.get("alice@xmpp.example.com"));
}

}  // namespace
}  // namespace cusax::xmpp
