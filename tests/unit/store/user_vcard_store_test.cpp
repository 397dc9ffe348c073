// The users' vCard store: rows survive reopening, the listing round-trips, and a file written
// before the listing existed is upgraded in place with its vCards kept.
#include "shared/store/user_vcard_store.hpp"

#include <gtest/gtest.h>

#include "shared/store/sqlite_handles.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

TEST(UserVcardStore, PutThenGetAfterReopening) {
    test::TempDir dir;
    const auto path = dir.file("vcards.sqlite");
    {
        UserVcardStore vcards(path);
        EXPECT_FALSE(vcards.get("alice@xmpp.example.com"));
        vcards.put("alice@xmpp.example.com",
                   {"<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>",
                    {"sip:alice@sip.example.com", "sip:alice@old.example.com"}});
        vcards.put("bob@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    }
    UserVcardStore vcards(path);
    const auto alice = vcards.get("alice@xmpp.example.com");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->xml, "<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>");
    EXPECT_EQ(alice->listed_sip,
              (std::vector<std::string>{"sip:alice@sip.example.com", "sip:alice@old.example.com"}));
    EXPECT_TRUE(vcards.get("bob@xmpp.example.com")->listed_sip.empty());
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com")->listed_sip.empty());
}

TEST(UserVcardStore, FileWithoutTheListingColumnIsUpgradedKeepingItsVcards) {
    test::TempDir dir;
    const auto path = dir.file("vcards.sqlite");
    {
        sqlite::Database db(path);  // the layout of the first release
        db.exec(
            "CREATE TABLE vcards (jid TEXT PRIMARY KEY NOT NULL, vcard TEXT NOT NULL,"
            " updated_at INTEGER NOT NULL);"
            "INSERT INTO vcards VALUES ('alice@xmpp.example.com',"
            " '<vCard xmlns=''vcard-temp''><NICKNAME>old</NICKNAME></vCard>', 1)");
    }
    UserVcardStore vcards(path);
    const auto alice = vcards.get("alice@xmpp.example.com");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->xml, "<vCard xmlns='vcard-temp'><NICKNAME>old</NICKNAME></vCard>");
    EXPECT_TRUE(alice->listed_sip.empty());
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {"sip:a@b.example"}});
    EXPECT_EQ(vcards.get("alice@xmpp.example.com")->listed_sip,
              std::vector<std::string>{"sip:a@b.example"});
}

TEST(UserVcardStore, UnopenableFileIsAStoreErrorNamingIt) {
    test::TempDir dir;
    const auto path = dir.file("missing-dir/vcards.sqlite");
    try {
        UserVcardStore vcards(path);
        FAIL() << "opened " << path;
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace cusax::store
