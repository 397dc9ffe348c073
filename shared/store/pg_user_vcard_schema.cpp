#include "shared/store/pg_user_vcard_schema.hpp"

#include <array>
#include <string>

namespace cusax::store::pg {
namespace {

// Migration N (1-based) takes a database from version N-1 to N.
constexpr std::array kMigrations = {
    // 1: what SQLite's versions 1 to 3 built (user_vcard_schema.cpp says what each column is
    // for), in PostgreSQL's terms: updated_at is a bigint (seconds since 1970 outgrow an
    // integer in 2038).
    R"sql(
CREATE TABLE vcards (
    jid        text PRIMARY KEY,
    vcard      text NOT NULL,
    updated_at bigint NOT NULL,
    listed_sip text NOT NULL DEFAULT ''
);
CREATE TABLE shown_values (
    jid   text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (jid, value)
);
)sql",
};

constexpr int kNewest = static_cast<int>(kMigrations.size());

// Held for the length of a migration's transaction, so that two component instances starting
// on two hosts do not both run one ("vcards" in ASCII; the bindings' lock is another).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(130169208726643)";

int version_of(Connection& db) {
    return static_cast<int>(db.query_int("SELECT version FROM vcard_schema WHERE id = 1"));
}

StoreError too_new(Connection& db, int version) {
    return StoreError(db.name() + ": vCard store schema version " + std::to_string(version) +
                      " is newer than this program's (" + std::to_string(kNewest) +
                      "); upgrade cusax");
}

}  // namespace

int user_vcard_schema_version() { return kNewest; }

bool has_user_vcard_store(Connection& db) {
    return db.query_int(
               "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = "
               "'vcard_schema' AND schemaname = ANY (current_schemas(false))") > 0;
}

void migrate_user_vcard_schema(Connection& db) {
    // Cheap check first, so that an up-to-date store is opened without taking the lock.
    if (has_user_vcard_store(db)) {
        const int seen = version_of(db);
        if (seen > kNewest) throw too_new(db, seen);
        if (seen == kNewest) return;
    }
    while (true) {
        Transaction tx(db, Transaction::Kind::write);
        db.exec(kMigrationLock);
        // Read again under the lock: another process may have migrated meanwhile.
        db.exec(
            "CREATE TABLE IF NOT EXISTS vcard_schema (id integer PRIMARY KEY CHECK (id = 1), "
            "version integer NOT NULL); "
            "INSERT INTO vcard_schema (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING");
        const int version = version_of(db);
        if (version > kNewest) throw too_new(db, version);
        if (version == kNewest) return;  // the transaction rolls back: nothing was written
        try {
            db.exec(kMigrations[static_cast<std::size_t>(version)]);
        } catch (const PgError& e) {
            throw StoreError(db.name() + ": migration of the vCard store to schema version " +
                             std::to_string(version + 1) + " failed: " + e.what());
        }
        db.query("UPDATE vcard_schema SET version = ?1 WHERE id = 1",
                 {std::to_string(version + 1)});
        tx.commit();
    }
}

}  // namespace cusax::store::pg
