#include "shared/store/pg_migrations.hpp"

#include <string>

namespace cusax::store::pg {
namespace {

StoreError too_new(Connection& db, const NumberedMigrations& m, int version) {
    return StoreError(db.name() + ": " + std::string(m.what) + " version " +
                      std::to_string(version) + " is newer than this program's (" +
                      std::to_string(m.scripts.size()) + "); upgrade cusax");
}

}  // namespace

int applied_version(Connection& db, const NumberedMigrations& m) {
    if (db.query_int("SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = ?1 "
                     "AND schemaname = ANY (current_schemas(false))",
                     {m.table}) == 0) {
        return 0;
    }
    return static_cast<int>(
        db.query_int("SELECT version FROM " + std::string(m.table) + " WHERE id = 1"));
}

void apply_migrations(Connection& db, const NumberedMigrations& m) {
    const int newest = static_cast<int>(m.scripts.size());
    // Cheap check first, so that an up-to-date database is opened without taking the lock.
    const int seen = applied_version(db, m);
    if (seen > newest) throw too_new(db, m, seen);
    if (seen == newest) return;
    const std::string table(m.table);
    const std::string create =
        "CREATE TABLE IF NOT EXISTS " + table +
        " (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL); INSERT INTO " + table +
        " (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING";
    while (true) {
        Transaction tx(db, Transaction::Kind::write);
        // Another process's migration may take long: waited for whatever the session's
        // lock_timeout (a writer's busy_timeout, pg_store.cpp).
        db.exec("SET LOCAL lock_timeout = 0");
        db.query("SELECT pg_advisory_xact_lock(?1)", {std::to_string(m.lock_key)});
        // Read again under the lock: another process may have migrated meanwhile.
        db.exec(create.c_str());
        const int version = applied_version(db, m);
        if (version > newest) throw too_new(db, m, version);
        if (version == newest) return;  // the transaction rolls back: nothing was written
        try {
            db.exec(m.scripts[static_cast<std::size_t>(version)]);
        } catch (const PgError& e) {
            throw StoreError(db.name() + ": migration to " + std::string(m.what) + " version " +
                             std::to_string(version + 1) + " failed: " + e.what());
        }
        db.query("UPDATE " + table + " SET version = ?1 WHERE id = 1",
                 {std::to_string(version + 1)});
        tx.commit();
    }
}

}  // namespace cusax::store::pg
