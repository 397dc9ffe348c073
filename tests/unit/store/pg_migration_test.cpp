// PostgreSQL's numbered migrations (pg_schema.cpp): `cusaxctl init` creates and upgrades, a
// reader (a daemon) changes nothing and refuses a schema that is not its own.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "shared/store/pg_handles.hpp"
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

// A writer's lock waits end after busy_timeout (lock_timeout, pg_store.cpp), but a migration
// waits for another process's as long as it takes (pg_migrations.cpp): the second of two
// `cusaxctl init`, or a component starting beside one, must not fail because the first took
// longer than busy_timeout. The first is stood in for by a session holding the migrations'
// lock; it lets go only once the migration waits for it.
TEST(PgMigration, AMigrationWaitsForAnotherPastBusyTimeout) {
    StoreTarget target(Engine::postgresql);
    StoreSettings settings = target.settings();
    settings.busy_timeout_ms = 100;
    pg::Connection holder(settings.conninfo);
    holder.exec("BEGIN");
    holder.query("SELECT pg_advisory_xact_lock(435610450296)");  // pg_schema.cpp's key
    std::string failed;
    std::thread migrating([&] {
        try {
            open_store(settings);
        } catch (const StoreError& e) {
            failed = e.what();
        }
    });
    pg::Connection watcher(settings.conninfo);
    constexpr std::string_view kWaiting =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool waited = false;
    while (!waited && std::chrono::steady_clock::now() < deadline) {
        waited = watcher.query_int(kWaiting) > 0;
        if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Longer than busy_timeout past the start of the wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    holder.exec("ROLLBACK");
    migrating.join();
    EXPECT_TRUE(waited) << "the migration never waited for the lock";
    EXPECT_EQ(failed, "");
    EXPECT_EQ(PgStore(target.settings()).schema_version(), pg::current_schema_version());
}

}  // namespace
}  // namespace cusax::store
