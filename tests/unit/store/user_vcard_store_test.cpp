// The users' vCard store, on both engines: rows survive reopening and are seen by every
// connection (a second component instance, on another host with PostgreSQL), the listing and
// the values shown to each user round-trip, a store newer than the program is refused, a
// missing one is created only when asked to be, and a lost PostgreSQL connection is made again.
// SQLite files written by earlier releases are upgraded in place with their rows kept.
#include "shared/store/user_vcard_store.hpp"

#include <gtest/gtest.h>

#include "postgres_server.hpp"
#include "shared/store/pg_user_vcard_schema.hpp"
#include "shared/store/sqlite_handles.hpp"
#include "shared/store/user_vcard_rows.hpp"
#include "shared/store/user_vcard_schema.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::Engine;

class UserVcardStoreTest : public ::testing::TestWithParam<Engine> {
  protected:
    // The vCards in a file of their own, or in the PostgreSQL database of the bindings, as
    // [xmpp-component] vcard_store = postgresql puts them.
    StoreSettings where() const {
        if (GetParam() == Engine::sqlite) return test::sqlite_settings(target_.dir().file("v.db"));
        return user_vcard_location(std::string(kVcardsInStoreDatabase), target_.settings());
    }
    UserVcardStore open() const { return UserVcardStore(where()); }
    void sql(const std::string& text) const {
        if (GetParam() == Engine::sqlite) {
            test::raw_sql(where().path, text);
        } else {
            target_.sql(text);
        }
    }
    int newest() const {
        return GetParam() == Engine::sqlite ? sqlite::user_vcard_schema_version()
                                            : pg::user_vcard_schema_version();
    }

    test::StoreTarget target_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Engines, UserVcardStoreTest, test::all_engines(), test::engine_name);

TEST_P(UserVcardStoreTest, PutThenGetAfterReopening) {
    {
        auto vcards = open();
        EXPECT_FALSE(vcards.get("alice@xmpp.example.com"));
        vcards.put("alice@xmpp.example.com",
                   {"<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>",
                    {"sip:alice@sip.example.com", "sip:alice@old.example.com"}});
        vcards.put("bob@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    }
    auto vcards = open();
    const auto alice = vcards.get("alice@xmpp.example.com");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->xml, "<vCard xmlns='vcard-temp'><NICKNAME>a</NICKNAME></vCard>");
    EXPECT_EQ(alice->listed_sip,
              (std::vector<std::string>{"sip:alice@sip.example.com", "sip:alice@old.example.com"}));
    EXPECT_TRUE(vcards.get("bob@xmpp.example.com")->listed_sip.empty());
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com")->listed_sip.empty());
}

TEST_P(UserVcardStoreTest, TwoOpenStoresSeeEachOthersWritesAtOnce) {
    // Two component instances (on two hosts, with PostgreSQL): what one stores, the other
    // reads on its next get, without reopening.
    auto one = open();
    auto two = open();
    one.put_set("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'><FN>A</FN></vCard>", {}},
                {"sip:alice@sip.example.com"});
    ASSERT_TRUE(two.get("alice@xmpp.example.com"));
    EXPECT_EQ(two.get("alice@xmpp.example.com")->xml,
              "<vCard xmlns='vcard-temp'><FN>A</FN></vCard>");
    EXPECT_EQ(two.shown("alice@xmpp.example.com"),
              std::vector<std::string>{"sip:alice@sip.example.com"});
    two.add_shown("alice@xmpp.example.com", {"+4930123456"});
    EXPECT_EQ(one.shown("alice@xmpp.example.com"),
              (std::vector<std::string>{"+4930123456", "sip:alice@sip.example.com"}));
}

TEST_P(UserVcardStoreTest, ShownValuesArePerJidKeptWithoutAVcardAndSurviveReopening) {
    {
        auto vcards = open();
        EXPECT_TRUE(vcards.shown("alice@xmpp.example.com").empty());
        vcards.add_shown("alice@xmpp.example.com", {"sip:alice@sip.example.com", "+4930123456"});
        vcards.add_shown("alice@xmpp.example.com", {"+4930123456"});  // already: kept once
        vcards.add_shown("bob@xmpp.example.com", {});
    }
    auto vcards = open();
    EXPECT_EQ(vcards.shown("alice@xmpp.example.com"),
              (std::vector<std::string>{"+4930123456", "sip:alice@sip.example.com"}));
    EXPECT_TRUE(vcards.shown("bob@xmpp.example.com").empty());
    EXPECT_FALSE(vcards.get("alice@xmpp.example.com"));  // shown, but no vCard of hers
}

TEST_P(UserVcardStoreTest, ASetReplacesTheVcardAndTheShownValuesTogetherAnImportOnlyTheVcard) {
    auto vcards = open();
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

TEST_P(UserVcardStoreTest, PutAllStoresEveryVcardOrNone) {
    auto vcards = open();
    vcards.put("carol@xmpp.example.com", {"<vCard xmlns='vcard-temp'><FN>C</FN></vCard>", {}});
    // A row the database refuses, as a full disk would refuse it.
    if (GetParam() == Engine::sqlite) {
        sql("CREATE TRIGGER refuse BEFORE INSERT ON vcards WHEN NEW.jid = 'bad@xmpp.example.com' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END");
    } else {
        sql("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.jid = 'bad@xmpp.example.com' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$; "
            "CREATE TRIGGER refuse BEFORE INSERT ON vcards FOR EACH ROW EXECUTE FUNCTION refuse()");
    }
    const std::vector<std::pair<std::string, UserVcard>> rows = {
        {"alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}}},
        {"carol@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}}},
        {"bad@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}}}};
    EXPECT_THROW(vcards.put_all(rows), StoreError);
    EXPECT_FALSE(vcards.get("alice@xmpp.example.com"));
    EXPECT_EQ(vcards.get("carol@xmpp.example.com")->xml,
              "<vCard xmlns='vcard-temp'><FN>C</FN></vCard>");
    vcards.put_all({rows[0], rows[1]});
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com"));
    EXPECT_EQ(vcards.get("carol@xmpp.example.com")->xml, "<vCard xmlns='vcard-temp'/>");
}

TEST_P(UserVcardStoreTest, AStoreOfANewerSchemaIsRefusedUntouched) {
    { auto vcards = open(); }
    sql("UPDATE vcard_schema SET version = 99");
    try {
        auto vcards = open();
        FAIL() << "opened a newer store";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("schema version 99 is newer"), std::string::npos)
            << e.what();
    }
    sql("UPDATE vcard_schema SET version = " + std::to_string(newest()));
    EXPECT_NO_THROW(open());
}

TEST_P(UserVcardStoreTest, AMissingStoreIsCreatedOnlyWhenAskedTo) {
    EXPECT_THROW(UserVcardStore(where(), false), StoreMissing);
    EXPECT_THROW(UserVcardStore(where(), false), StoreMissing);  // still none: nothing made
    { UserVcardStore created(where(), true); }
    UserVcardStore vcards(where(), false);
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com"));
}

TEST_P(UserVcardStoreTest, TheBindingStoreBesideItKeepsItsOwnSchemaNumber) {
    // One SQLite file or one PostgreSQL database for both: each store numbers its own schema.
    auto settings = target_.settings();
    if (GetParam() == Engine::sqlite) settings.path = where().path;
    const auto bindings = open_store(settings);
    auto vcards = open();
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com"));
    bindings->add(test::binding("sip:alice@example.com", "alice@xmpp.example.com"));
    EXPECT_EQ(open_store(settings)->load_all().size(), 1u);
}

// ---- PostgreSQL: the connection ----

class PgUserVcardStoreTest : public ::testing::Test {
  protected:
    ~PgUserVcardStoreTest() override { test::PostgresServer::shared().start(); }
    StoreSettings where() const {
        return user_vcard_location(std::string(kVcardsInStoreDatabase), target_.settings());
    }
    test::StoreTarget target_{Engine::postgresql};
};

TEST_F(PgUserVcardStoreTest, AConnectionTheServerEndedIsMadeAgainOnTheNextCall) {
    UserVcardStore vcards(where());
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    test::PostgresServer::shared().sql(
        "postgres",
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE application_name = "
        "'cusax' AND backend_type = 'client backend'");
    // The server said it ended the connection: the next call reads that and connects again.
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com"));
    vcards.put_set("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'><FN>A</FN></vCard>", {}},
                   {"+4930123456"});
    EXPECT_EQ(vcards.shown("alice@xmpp.example.com"), std::vector<std::string>{"+4930123456"});
}

TEST_F(PgUserVcardStoreTest, AConnectionLostInsideATransactionIsNotMadeAgainThere) {
    // A statement after the connection died, still inside the transaction, must fail: on a new
    // connection it would be written outside the transaction (and the transaction's own
    // ROLLBACK would go to a connection that no longer exists).
    const auto rows = open_pg_vcard_rows(target_.settings().conninfo, true);
    bool inserted_after = false;
    EXPECT_THROW(rows->write_transaction([&] {
        try {
            rows->run("SELECT pg_terminate_backend(pg_backend_pid())", {});
        } catch (const StoreError& e) {
            EXPECT_TRUE(e.unreachable()) << e.what();
        }
        rows->run("INSERT INTO vcards (jid, vcard, updated_at) VALUES (?1, ?2, ?3)",
                  {"alice@xmpp.example.com", "<vCard xmlns='vcard-temp'/>", "1"});
        inserted_after = true;
    }),
                 StoreError);
    EXPECT_FALSE(inserted_after);
    // The next call, outside any transaction, connects again.
    EXPECT_TRUE(rows->run("SELECT jid FROM vcards", {}).empty());
}

TEST_F(PgUserVcardStoreTest, WhileTheServerIsDownCallsFailAsUnreachableNamingItThenRecover) {
    UserVcardStore vcards(where());
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    test::PostgresServer::shared().stop();
    for (int call = 0; call < 2; ++call) {  // the lost connection, then a refused one
        try {
            vcards.put_set("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}}, {});
            FAIL() << "stored with the server down";
        } catch (const StoreError& e) {
            EXPECT_TRUE(e.unreachable()) << e.what();
            EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
        }
    }
    try {
        UserVcardStore another(where());
        FAIL() << "opened with the server down";
    } catch (const StoreError& e) {
        EXPECT_TRUE(e.unreachable()) << e.what();
    }
    test::PostgresServer::shared().start();
    EXPECT_TRUE(vcards.get("alice@xmpp.example.com"));
}

TEST_F(PgUserVcardStoreTest, AStoreIdleAcrossAServerRestartAnswersItsFirstCall) {
    UserVcardStore vcards(where());
    vcards.put("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'/>", {}});
    test::PostgresServer::shared().stop();
    test::PostgresServer::shared().start();
    vcards.put_set("alice@xmpp.example.com", {"<vCard xmlns='vcard-temp'><FN>A</FN></vCard>", {}},
                   {"+4930123456"});
    EXPECT_EQ(vcards.shown("alice@xmpp.example.com"), std::vector<std::string>{"+4930123456"});
}

TEST_F(PgUserVcardStoreTest, ARefusedWriteIsNotUnreachable) {
    UserVcardStore vcards(where());
    target_.sql("ALTER TABLE vcards ADD CHECK (length(vcard) < 40)");
    try {
        vcards.put("alice@xmpp.example.com",
                   {"<vCard xmlns='vcard-temp'><NOTE>far too long for it</NOTE></vCard>", {}});
        FAIL() << "stored";
    } catch (const StoreError& e) {
        EXPECT_FALSE(e.unreachable()) << e.what();
    }
}

TEST(UserVcardLocation, PostgresqlNamesTheStoresDatabaseAnythingElseAFile) {
    StoreSettings pg;
    pg.backend = "postgresql";
    pg.conninfo = "service=cusax";
    const auto in_db = user_vcard_location("postgresql", pg);
    EXPECT_EQ(in_db.backend, "postgresql");
    EXPECT_EQ(in_db.conninfo, "service=cusax");
    const auto file = user_vcard_location("/var/lib/cusax/vcards.sqlite", pg);
    EXPECT_EQ(file.backend, "sqlite");
    EXPECT_EQ(file.path, "/var/lib/cusax/vcards.sqlite");
    try {
        user_vcard_location("postgresql", test::sqlite_settings("/var/lib/cusax/b.sqlite"));
        FAIL() << "postgresql without a PostgreSQL store";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("backend is sqlite"), std::string::npos) << e.what();
    }
}

// ---- SQLite files of earlier releases ----

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

TEST(UserVcardStoreFile, FirstReleaseFileIsUpgradedKeepingItsVcards) {
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

TEST(UserVcardStoreFile, FileWithTheListingButNoSchemaNumberIsUpgradedKeepingItsRows) {
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

TEST(UserVcardStoreFile, UnopenableFileIsAStoreErrorNamingIt) {
    test::TempDir dir;
    const auto path = dir.file("missing-dir/vcards.sqlite");
    try {
        UserVcardStore vcards(path);
        FAIL() << "opened " << path;
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_FALSE(e.unreachable());
    }
}

}  // namespace
}  // namespace cusax::store
