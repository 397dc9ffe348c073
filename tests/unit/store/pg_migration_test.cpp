// PostgreSQL's numbered migrations (pg_schema.cpp): `cusaxctl init` creates and upgrades, a
// reader (a daemon) changes nothing and refuses a schema that is not its own.
#include <gtest/gtest.h>

#include <thread>

#include "shared/store/pg_schema.hpp"
#include "shared/store/pg_store.hpp"
#include "store_test_support.hpp"

namespace cusax::store {
namespace {

using test::binding;
using test::Engine;
using test::StoreTarget;

std::string error_of(const StoreSettings& settings) {
    try {
        open_store(settings);
    } catch (const StoreError& e) {
        return e.what();
    }
    return "(no StoreError)";
}

TEST(PgMigration, InitCreatesTheSchemaAndRunningItAgainChangesNothing) {
    StoreTarget target(Engine::postgresql);
    auto store = open_store(target.settings());
    EXPECT_EQ(store->schema_version(), pg::current_schema_version());
    store->add(binding("sip:a@example.com", "a@example.com"));
    const auto g = store->generation();
    store->migrate();
    auto again = open_store(target.settings());
    EXPECT_EQ(again->generation(), g);
    EXPECT_EQ(again->load_all().size(), 1u);
}

TEST(PgMigration, ADatabaseFromANewerProgramIsRefusedAndLeftAsItIs) {
    StoreTarget target(Engine::postgresql);
    open_store(target.settings());
    const auto newer = std::to_string(pg::current_schema_version() + 1);
    target.sql("UPDATE cusax_schema SET version = " + newer);
    EXPECT_NE(error_of(target.settings()).find("is newer than this program's"), std::string::npos)
        << error_of(target.settings());
    EXPECT_NE(error_of(target.settings(true)).find("upgrade cusax"), std::string::npos)
        << error_of(target.settings(true));
    PgStore raw(target.settings());
    EXPECT_EQ(raw.schema_version(), pg::current_schema_version() + 1);
}

// What a daemon opens: the database as it is, never migrated, never written.
TEST(PgMigration, AReaderNeitherCreatesNorMigratesNorWrites) {
    StoreTarget target(Engine::postgresql);
    EXPECT_NE(error_of(target.settings(true)).find("schema version 0 is older"), std::string::npos)
        << error_of(target.settings(true));
    EXPECT_EQ(PgStore(target.settings()).schema_version(), 0);  // still untouched

    open_store(target.settings());  // cusaxctl init
    auto reader = open_store(target.settings(true));
    EXPECT_THROW(reader->add(binding("sip:a@example.com", "a@example.com")), StoreError);
    EXPECT_TRUE(reader->load_all().empty());
}

TEST(PgMigration, AFailingMigrationLeavesTheDatabaseAsItWas) {
    StoreTarget target(Engine::postgresql);
    // Something in the way of migration 1: its CREATE TABLE bindings fails.
    target.sql("CREATE TABLE bindings (x integer)");
    EXPECT_NE(error_of(target.settings()).find("migration to schema version 1 failed"),
              std::string::npos);
    EXPECT_EQ(PgStore(target.settings()).schema_version(), 0);
}

TEST(PgMigration, TwoInitsAtOnceBothSucceed) {
    StoreTarget target(Engine::postgresql);
    std::exception_ptr failed;
    std::thread other([&] {
        try {
            open_store(target.settings());
        } catch (...) {
            failed = std::current_exception();
        }
    });
    EXPECT_NO_THROW(open_store(target.settings()));
    other.join();
    EXPECT_FALSE(failed);
    EXPECT_EQ(PgStore(target.settings()).schema_version(), pg::current_schema_version());
}

}  // namespace
}  // namespace cusax::store
