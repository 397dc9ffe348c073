#include "shared/store/sqlite_schema.hpp"

#include <array>
#include <string>

namespace cusax::store::sqlite {
namespace {

// Migration N (1-based) takes a database from user_version N-1 to N.
constexpr std::array kMigrations = {
    // 1: the bindings and their numbers. verification is text so that later states
    // ("mutual") need no schema change.
    R"sql(
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
)sql",
    // 2: a change counter that every write bumps, through triggers so that a change made by
    // any program (cusaxctl, another host's tool, a manual sqlite3 session) is noticed by
    // the daemons' watchers. Also an index for "numbers of an AOR" (deletes, look-ups), and
    // number clean-up that does not depend on the session having PRAGMA foreign_keys on.
    R"sql(
CREATE TABLE generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO generation (id, value) VALUES (1, 1);
CREATE INDEX numbers_by_aor ON numbers(aor);
CREATE TRIGGER bindings_inserted AFTER INSERT ON bindings
    BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER bindings_updated AFTER UPDATE ON bindings
    BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER bindings_deleted AFTER DELETE ON bindings
    BEGIN
        DELETE FROM numbers WHERE aor = old.aor;
        UPDATE generation SET value = value + 1 WHERE id = 1;
    END;
CREATE TRIGGER numbers_inserted AFTER INSERT ON numbers
    BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER numbers_updated AFTER UPDATE ON numbers
    BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER numbers_deleted AFTER DELETE ON numbers
    BEGIN UPDATE generation SET value = value + 1 WHERE id = 1; END;
)sql",
    // 3: a change log, so that a daemon's watcher reloads only the AORs written since its
    // snapshot instead of every binding (1.7 s at a million). Every trigger that bumps the
    // generation also logs the AOR(s) it touched with the new value: the log then covers a
    // gap exactly when it still holds the row of the first missing generation. A plain
    // INTEGER PRIMARY KEY (not AUTOINCREMENT: no sqlite_sequence write per row) is enough,
    // as pruning never deletes the newest row. Pruning runs every 4,096 rows and keeps the
    // last 61,440 to 65,536: more changes than that are cheaper as a full reload anyway, and
    // a million-row import stays a bounded table instead of two million rows.
    R"sql(
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL,
    aor        TEXT NOT NULL
);
CREATE TRIGGER changes_pruned AFTER INSERT ON changes WHEN new.seq % 4096 = 0
    BEGIN DELETE FROM changes WHERE seq <= new.seq - 65536; END;
DROP TRIGGER bindings_inserted;
DROP TRIGGER bindings_updated;
DROP TRIGGER bindings_deleted;
DROP TRIGGER numbers_inserted;
DROP TRIGGER numbers_updated;
DROP TRIGGER numbers_deleted;
CREATE TRIGGER bindings_inserted AFTER INSERT ON bindings
    BEGIN
        UPDATE generation SET value = value + 1 WHERE id = 1;
        INSERT INTO changes (generation, aor) SELECT value, new.aor FROM generation WHERE id = 1;
    END;
CREATE TRIGGER bindings_updated AFTER UPDATE ON bindings
    BEGIN
        UPDATE generation SET value = value + 1 WHERE id = 1;
        INSERT INTO changes (generation, aor) SELECT value, new.aor FROM generation WHERE id = 1;
        INSERT INTO changes (generation, aor)
            SELECT value, old.aor FROM generation WHERE id = 1 AND old.aor IS NOT new.aor;
    END;
CREATE TRIGGER bindings_deleted AFTER DELETE ON bindings
    BEGIN
        DELETE FROM numbers WHERE aor = old.aor;
        UPDATE generation SET value = value + 1 WHERE id = 1;
        INSERT INTO changes (generation, aor) SELECT value, old.aor FROM generation WHERE id = 1;
    END;
CREATE TRIGGER numbers_inserted AFTER INSERT ON numbers
    BEGIN
        UPDATE generation SET value = value + 1 WHERE id = 1;
        INSERT INTO changes (generation, aor) SELECT value, new.aor FROM generation WHERE id = 1;
    END;
CREATE TRIGGER numbers_updated AFTER UPDATE ON numbers
    BEGIN
        UPDATE generation SET value = value + 1 WHERE id = 1;
        INSERT INTO changes (generation, aor) SELECT value, new.aor FROM generation WHERE id = 1;
        INSERT INTO changes (generation, aor)
            SELECT value, old.aor FROM generation WHERE id = 1 AND old.aor IS NOT new.aor;
    END;
CREATE TRIGGER numbers_deleted AFTER DELETE ON numbers
    BEGIN
        UPDATE generation SET value = value + 1 WHERE id = 1;
        INSERT INTO changes (generation, aor) SELECT value, old.aor FROM generation WHERE id = 1;
    END;
)sql",
};

}  // namespace

static_assert(kChangeLogVersion <= kMigrations.size());

int current_schema_version() { return static_cast<int>(kMigrations.size()); }

void migrate_schema(Database& db) {
    const auto newest = static_cast<std::int64_t>(kMigrations.size());
    // Cheap check first, so an up-to-date database is opened without taking the write lock.
    const auto seen = db.query_int("PRAGMA user_version");
    if (seen > newest) {
        throw StoreError(db.path() + ": schema version " + std::to_string(seen) +
                         " is newer than this program's (" + std::to_string(newest) +
                         "); upgrade cusax");
    }
    if (seen == newest) return;
    while (true) {
        Transaction tx(db, Transaction::Kind::write);
        // Read again under the write lock: another process may have migrated meanwhile.
        const auto version = db.query_int("PRAGMA user_version");
        if (version > newest) {
            throw StoreError(db.path() + ": schema version " + std::to_string(version) +
                             " is newer than this program's (" + std::to_string(newest) + ")");
        }
        if (version == newest) return;  // the transaction rolls back: nothing was written
        try {
            db.exec(kMigrations[static_cast<std::size_t>(version)]);
        } catch (const SqliteError& e) {
            throw StoreError(db.path() + ": migration to schema version " +
                             std::to_string(version + 1) + " failed: " + e.what());
        }
        const std::string set_version = "PRAGMA user_version = " + std::to_string(version + 1);
        db.exec(set_version.c_str());
        tx.commit();
    }
}

}  // namespace cusax::store::sqlite
