#include <gtest/gtest.h>

#include "shared/store/sqlite_schema.hpp"
#include "shared/store/sqlite_store.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;
using test::raw_sql;
using test::sqlite_settings;
using test::TempDir;

// Schema version 1 as released, written out by hand: the test must not borrow the code's
// own script, or a change to that script would go unnoticed.
constexpr const char* kSchemaV1WithData = R"sql(
CREATE TABLE bindings (
    aor          TEXT PRIMARY KEY NOT NULL,
    jid          TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    verification TEXT NOT NULL DEFAULT 'unverified',
    updated_at   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE numbers (
    number TEXT PRIMARY KEY NOT NULL,
    aor    TEXT NOT NULL REFERENCES bindings(aor) ON DELETE CASCADE,
    voice  INTEGER NOT NULL DEFAULT 1,
    video  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO bindings VALUES ('sip:alice@example.com', 'alice@example.com', 'Alice', 'admin', 1700000000);
INSERT INTO bindings VALUES ('sip:bob@example.com', 'bob@example.com', '', 'unverified', 1700000001);
INSERT INTO numbers VALUES ('+4930123456', 'sip:alice@example.com', 1, 0);
INSERT INTO numbers VALUES ('+4930999', 'sip:alice@example.com', 1, 1);
PRAGMA user_version = 1;
)sql";

TEST(SqliteMigration, AVersion1FileIsMigratedWithItsDataIntact) {
    TempDir dir;
    const auto path = dir.file("v1.db");
    raw_sql(path, kSchemaV1WithData);

    auto store = open_store(sqlite_settings(path));
    EXPECT_EQ(store->schema_version(), sqlite::current_schema_version());

    auto alice = store->find_by_aor("sip:alice@example.com");
    ASSERT_TRUE(alice);
    EXPECT_EQ(*alice, (Binding{"sip:alice@example.com",
                               "alice@example.com",
                               "Alice",
                               {{"+4930123456", true, false}, {"+4930999", true, true}},
                               Verification::Admin,
                               1700000000}));
    auto bob = store->find_by_aor("sip:bob@example.com");
    ASSERT_TRUE(bob);
    EXPECT_EQ(*bob, (Binding{"sip:bob@example.com",
                             "bob@example.com",
                             "",
                             {},
                             Verification::Unverified,
                             1700000001}));
    EXPECT_EQ(store->load_all().size(), 2u);

    // The generation added by the migration works on the migrated data.
    const auto g = store->generation();
    store->set_verification("sip:bob@example.com", Verification::Directory);
    EXPECT_NE(store->generation(), g);
    // And the constraints of version 1 still hold.
    EXPECT_THROW(store->add(binding("sip:carol@example.com", "alice@example.com")), BindingError);
}

TEST(SqliteMigration, MigratingTwiceChangesNothing) {
    TempDir dir;
    const auto path = dir.file("b.db");
    auto store = open_store(sqlite_settings(path));
    store->add(binding("sip:a@example.com", "a@example.com"));
    const auto g = store->generation();
    store->migrate();
    auto again = open_store(sqlite_settings(path));
    EXPECT_EQ(again->generation(), g);
    EXPECT_EQ(again->load_all().size(), 1u);
}

TEST(SqliteMigration, AFileFromANewerProgramIsRefused) {
    TempDir dir;
    const auto path = dir.file("future.db");
    {
        auto store = open_store(sqlite_settings(path));
        store->add(binding("sip:a@example.com", "a@example.com"));
    }
    raw_sql(path,
            "PRAGMA user_version = " + std::to_string(sqlite::current_schema_version() + 1) + ";");
    try {
        open_store(sqlite_settings(path));
        FAIL() << "no StoreError";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("newer than this program"), std::string::npos)
            << e.what();
    }
    // Refusing did not touch it.
    raw_sql(path, "SELECT 1;");
    SqliteStore raw(sqlite_settings(path));
    EXPECT_EQ(raw.schema_version(), sqlite::current_schema_version() + 1);
}

TEST(SqliteMigration, AFailingMigrationLeavesTheFileAtItsOldVersion) {
    TempDir dir;
    const auto path = dir.file("v1.db");
    raw_sql(path, kSchemaV1WithData);
    // Something in the way of migration 2: its CREATE TABLE generation fails.
    raw_sql(path, "CREATE TABLE generation (x);");
    EXPECT_THROW(open_store(sqlite_settings(path)), StoreError);
    SqliteStore raw(sqlite_settings(path));
    EXPECT_EQ(raw.schema_version(), 1);
    EXPECT_EQ(raw.load_all().size(), 2u);
}

}  // namespace
}  // namespace cusax::store
