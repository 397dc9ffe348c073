// cusaxctl import-vcards: users' vCards from XEP-0227 exports (Prosody's prosody-migrator writes
// one file per user, ejabberd's export_piefxis one per host) into the users' vCard store, all or
// nothing, with the SIP addresses each vCard lists recorded for verify --mutual.
#include <gtest/gtest.h>

#include "cusaxctl/exit_codes.hpp"
#include "cusaxctl_test_support.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::ctl {
namespace {

using testing::CtlRunner;

// As prosody-migrator writes it (internal -> xep0227), one user per file.
const std::string kProsodyAlice =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<server-data xmlns='urn:xmpp:pie:0'><host jid='xmpp.example.com'><user name='alice' "
    "password='x'><vCard xmlns='vcard-temp'><NICKNAME>Ally</NICKNAME><TEL><VOICE/><NUMBER>"
    "sip:alice@sip.example.com</NUMBER></TEL></vCard><query xmlns='jabber:iq:roster'/></user>"
    "</host></server-data>";

// One host, several users, one without a vCard.
const std::string kHostFile =
    "<server-data xmlns='urn:xmpp:pie:0'><host jid='XMPP.example.com'>"
    "<user name='bob'><vCard xmlns='vcard-temp'><FN>Bob</FN></vCard></user>"
    "<user name='carol'/>"
    "</host></server-data>";

class ImportVcards : public ::testing::Test {
  protected:
    testing::CtlResult import(std::vector<std::string> args) {
        std::vector<std::string> all{"--vcard-store", path_, "import-vcards"};
        all.insert(all.end(), args.begin(), args.end());
        return ctl_.run(all);
    }
    std::optional<store::UserVcard> stored(const std::string& jid) {
        return store::UserVcardStore(path_).get(jid);
    }
    CtlRunner ctl_;
    std::string path_ = (ctl_.dir() / "vcards.sqlite").string();
};

TEST_F(ImportVcards, ADirectoryOfExportsIsImportedWithTheListings) {
    std::filesystem::create_directory(ctl_.dir() / "export");
    ctl_.write_file("export/alice@xmpp.example.com.xml", kProsodyAlice);
    ctl_.write_file("export/hosts.xml", kHostFile);
    ctl_.write_file("export/README.txt", "not an export");
    const auto r = import({(ctl_.dir() / "export").string()});
    ASSERT_EQ(r.code, kOk) << r.err;
    EXPECT_EQ(r.out, "imported 2 vCards into " + path_ + "\n");
    const auto alice = stored("alice@xmpp.example.com");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->xml,
              "<vCard xmlns='vcard-temp'><NICKNAME>Ally</NICKNAME><TEL><VOICE/><NUMBER>"
              "sip:alice@sip.example.com</NUMBER></TEL></vCard>");
    EXPECT_EQ(alice->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
    ASSERT_TRUE(stored("bob@xmpp.example.com"));
    EXPECT_TRUE(stored("bob@xmpp.example.com")->listed_sip.empty());
    EXPECT_FALSE(stored("carol@xmpp.example.com"));
}

TEST_F(ImportVcards, VcardsAlreadyStoredAreKeptUnlessReplaced) {
    store::UserVcardStore(path_).put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    const auto file = ctl_.write_file("alice.xml", kProsodyAlice).string();
    auto r = import({file});
    ASSERT_EQ(r.code, kOk) << r.err;
    EXPECT_NE(r.out.find("imported 0 vCards"), std::string::npos) << r.out;
    EXPECT_EQ(stored("alice@xmpp.example.com")->xml, "<vCard xmlns='vcard-temp'/>");
    r = import({file, "--replace"});
    ASSERT_EQ(r.code, kOk) << r.err;
    EXPECT_NE(stored("alice@xmpp.example.com")->xml.find("Ally"), std::string::npos);
}

TEST_F(ImportVcards, ABadFileChangesNothingAndIsNamed) {
    const auto good = ctl_.write_file("alice.xml", kProsodyAlice).string();
    const auto bad = ctl_.write_file("bad.xml", "<vCard xmlns='vcard-temp'/>").string();
    auto r = import({good, bad});
    EXPECT_EQ(r.code, kBadImportFile);
    EXPECT_NE(r.err.find(bad + ": not a XEP-0227 export"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(path_));

    const auto broken =
        ctl_.write_file("broken.xml", "<server-data xmlns='urn:xmpp:pie:0'>").string();
    EXPECT_EQ(import({good, broken}).code, kBadImportFile);

    const auto again = ctl_.write_file("again.xml", kProsodyAlice).string();
    r = import({good, again});
    EXPECT_EQ(r.code, kBadImportFile);
    EXPECT_NE(r.err.find("alice@xmpp.example.com has a vCard in " + good), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(ImportVcards, NeedsTheVcardStoreSetting) {
    const auto file = ctl_.write_file("alice.xml", kProsodyAlice).string();
    const auto r = ctl_.run({"import-vcards", file});
    EXPECT_EQ(r.code, kUsage);
    EXPECT_NE(r.err.find("vcard_store"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cusax::ctl
