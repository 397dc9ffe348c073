// The users' vCard store: rows survive reopening, the listing and the values shown to each user
// round-trip, and files written by earlier releases are upgraded in place with their rows kept.
#include "shared/store/user_vcard_store.hpp"

#include <gtest/gtest.h>

#include "shared/store/sqlite_handles.hpp"
#include "shared/store/user_vcard_schema.hpp"
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

TEST(UserVcardStore, ShownValuesArePerJidKeptWithoutAVcardAndSurviveReopening) {
    test::TempDir dir;
    const auto path = dir.file("vcards.sqlite");
    {
        UserVcardStore vcards(path);
        EXPECT_TRUE(vcards.shown("alice@xmpp.example.com").empty());
        vcards.add_shown("alice@xmpp.example.com", {"sip:alice@sip.example.com", "+4930123456"});
        vcards.add_shown("alice@xmpp.example.com", {"+4930123456"});  // already: kept once
        vcards.add_shown("bob@xmpp.example.com", {});
    }
    UserVcardStore vcards(path);
    EXPECT_EQ(vcards.shown("alice@xmpp.example.com"),
              (std::vector<std::string>{"+4930123456", "sip:alice@sip.example.com"}));
    EXPECT_TRUE(vcards.shown("bob@xmpp.example.com").empty());
    EXPECT_FALSE(vcards.get("alice@xmpp.example.com"));  // shown, but no vCard of hers
}

TEST(UserVcardStore, ASetReplacesTheVcardAndTheShownValuesTogetherAnImportOnlyTheVcard) {
    test::TempDir dir;
    UserVcardStore vcards(dir.file("vcards.sqlite"));
    vcards.add_shown("alice@xmpp.example.com", {"sip:alice@sip.example.com", "+4930123456"});
    vcards.add_shown("bob@xmpp.example.com", {"sip:bob@sip.example.com"});
    vcards.put_set("alice@xmpp.example.com",
                   {"<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>", {}},
                   {"sip:alice@sip.example.com"});
    EXPECT_EQ(vcards.get("alice@xmpp.example.com")->xml,
              "<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>");
    EXPECT_EQ(vcards.shown("alice@xmpp.example.com"),
              std::vector<std::string>{"sip:alice@sip.example.com"});
    EXPECT_EQ(vcards.shown("bob@xmpp.example.com"),
              std::vector<std::string>{"sip:bob@sip.example.com"});
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    EXPECT_EQ(vcards.shown("alice@xmpp.example.com"),
              std::vector<std::string>{"sip:alice@sip.example.com"});
}

// The layouts of earlier releases, without a schema number: the first (no listing), and the
// one with the listing.
constexpr const char* kFirstRelease =
    "CREATE TABLE vcards (jid TEXT PRIMARY KEY NOT NULL, vcard TEXT NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "INSERT INTO vcards VALUES ('alice@xmpp.example.com',"
    " '<vCard xmlns=''vcard-temp''><NICKNAME>old</NICKNAME></vCard>', 1)";
constexpr const char* kWithListing =
    "CREATE TABLE vcards (jid TEXT PRIMARY KEY NOT NULL, vcard TEXT NOT NULL,"
    " updated_at INTEGER NOT NULL, listed_sip TEXT NOT NULL DEFAULT '');"
    "INSERT INTO vcards VALUES ('alice@xmpp.example.com',"
    " '<vCard xmlns=''vcard-temp''><NICKNAME>old</NICKNAME></vCard>', 1,"
    " 'sip:alice@sip.example.com')";

std::int64_t schema_version(const std::string& path) {
    sqlite::Database db(path);
    return db.query_int("SELECT version FROM vcard_schema WHERE id = 1");
}

TEST(UserVcardStore, FirstReleaseFileIsUpgradedKeepingItsVcards) {
    test::TempDir dir;
    const auto path = dir.file("vcards.sqlite");
    test::raw_sql(path, kFirstRelease);
    {
        UserVcardStore vcards(path);
        const auto alice = vcards.get("alice@xmpp.example.com");
        ASSERT_TRUE(alice);
        EXPECT_EQ(alice->xml, "<vCard xmlns='vcard-temp'><NICKNAME>old</NICKNAME></vCard>");
        EXPECT_TRUE(alice->listed_sip.empty());
        EXPECT_TRUE(vcards.shown("alice@xmpp.example.com").empty());
        vcards.put_set("alice@xmpp.example.com",
                       {"<vCard xmlns='vcard-temp'/>", {"sip:a@b.example"}}, {"sip:a@b.example"});
        EXPECT_EQ(vcards.get("alice@xmpp.example.com")->listed_sip,
                  std::vector<std::string>{"sip:a@b.example"});
        EXPECT_EQ(vcards.shown("alice@xmpp.example.com"),
                  std::vector<std::string>{"sip:a@b.example"});
    }
    EXPECT_EQ(schema_version(path), sqlite::user_vcard_schema_version());
}

TEST(UserVcardStore, FileWithTheListingButNoSchemaNumberIsUpgradedKeepingItsRows) {
    test::TempDir dir;
    const auto path = dir.file("vcards.sqlite");
    test::raw_sql(path, kWithListing);
    for (int open = 0; open < 2; ++open) {  // the second opening finds nothing to do
        UserVcardStore vcards(path);
        const auto alice = vcards.get("alice@xmpp.example.com");
        ASSERT_TRUE(alice);
        EXPECT_EQ(alice->xml, "<vCard xmlns='vcard-temp'><NICKNAME>old</NICKNAME></vCard>");
        EXPECT_EQ(alice->listed_sip, std::vector<std::string>{"sip:alice@sip.example.com"});
        vcards.add_shown("alice@xmpp.example.com", {"+4930123456"});
        EXPECT_EQ(vcards.shown("alice@xmpp.example.com"), std::vector<std::string>{"+4930123456"});
    }
    EXPECT_EQ(schema_version(path), sqlite::user_vcard_schema_version());
}

TEST(UserVcardStore, AFileOfANewerSchemaIsRefusedUntouched) {
    test::TempDir dir;
    const auto path = dir.file("vcards.sqlite");
    { UserVcardStore vcards(path); }
    test::raw_sql(path, "UPDATE vcard_schema SET version = 99");
    try {
        UserVcardStore vcards(path);
        FAIL() << "opened a newer file";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 99 is newer"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(schema_version(path), 99);
}

TEST(UserVcardStore, TheBindingStoresFileIsNotMistakenForANewerVcardStore) {
    // Its PRAGMA user_version is the binding store's number: the vCard store keeps its own.
    test::TempDir dir;
    const auto path = dir.file("bindings.sqlite");
    open_store(test::sqlite_settings(path));
    UserVcardStore vcards(path);
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com"));
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
