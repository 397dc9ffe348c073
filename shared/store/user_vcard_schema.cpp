#include "shared/store/user_vcard_schema.hpp"

#include <array>
#include <string>

namespace cusax::store::sqlite {
namespace {

// Migration N (1-based) takes a file from version N-1 to N.
constexpr std::array kMigrations = {
    // 1: one vCard per bare JID, serialised as the component stores it.
    R"sql(
CREATE TABLE vcards (
    jid        TEXT PRIMARY KEY NOT NULL,
    vcard      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
)sql",
    // 2: the SIP addresses the user's own TELs list (RFC 7081 §3.3, read by `cusaxctl verify
    // --mutual`), space-separated. Rows from before count as listing nothing until the user
    // sets their vCard again: their XML lacks the TELs the component guaranteed, so the
    // listing cannot be recovered from it.
    R"sql(
ALTER TABLE vcards ADD COLUMN listed_sip TEXT NOT NULL DEFAULT '';
)sql",
    // 3: the values (comparable spellings: an AOR, a number) the component added to a vCard it
    // showed the user, one row each: a set that sends one back is the echo of that get, not the
    // user's word. Kept apart from `vcards` because a user with no vCard of their own is shown
    // them too. Files from before start with none remembered.
    R"sql(
CREATE TABLE shown_values (
    jid   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (jid, value)
);
)sql",
};

constexpr auto kNewest = static_cast<std::int64_t>(kMigrations.size());

bool has_table(Database& db, const std::string& name) {
    const std::string sql =
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'";
    return db.query_int(sql.c_str()) > 0;
}

// The version of a file without vcard_schema, from its layout (see the header).
std::int64_t unnumbered_version(Database& db) {
    if (!has_table(db, "vcards")) return 0;
    return db.query_int(
               "SELECT count(*) FROM pragma_table_info('vcards') "
               "WHERE name = 'listed_sip'") > 0
               ? 2
               : 1;
}

std::int64_t numbered_version(Database& db) {
    return db.query_int("SELECT version FROM vcard_schema WHERE id = 1");
}

[[noreturn]] void newer(Database& db, std::int64_t version) {
    throw StoreError(db.path() + ": vCard store schema version " + std::to_string(version) +
                     " is newer than this program's (" + std::to_string(kNewest) +
                     "); upgrade cusax");
}

}  // namespace

int user_vcard_schema_version() { return static_cast<int>(kNewest); }

int found_user_vcard_schema_version(Database& db) {
    return static_cast<int>(has_table(db, "vcard_schema") ? numbered_version(db)
                                                          : unnumbered_version(db));
}

void migrate_user_vcard_schema(Database& db) {
    // Cheap check first, so that an up-to-date file is opened without taking the write lock.
    if (has_table(db, "vcard_schema")) {
        const auto seen = numbered_version(db);
        if (seen > kNewest) newer(db, seen);
        if (seen == kNewest) return;
    }
    Transaction tx(db, Transaction::Kind::write);
    // Read again under the write lock: another process may have migrated meanwhile.
    std::int64_t version = 0;
    if (has_table(db, "vcard_schema")) {
        version = numbered_version(db);
    } else {
        version = unnumbered_version(db);
        db.exec(
            "CREATE TABLE vcard_schema (id INTEGER PRIMARY KEY CHECK (id = 1),"
            " version INTEGER NOT NULL);"
            "INSERT INTO vcard_schema (id, version) VALUES (1, 0)");
    }
    if (version > kNewest) newer(db, version);
    if (version == kNewest) return;  // rolls back: nothing was written
    for (; version < kNewest; ++version) {
        try {
            db.exec(kMigrations[static_cast<std::size_t>(version)]);
        } catch (const SqliteError& e) {
            throw StoreError(db.path() + ": migration of the vCard store to schema version " +
                             std::to_string(version + 1) + " failed: " + e.what());
        }
    }
    const std::string set_version =
        "UPDATE vcard_schema SET version = " + std::to_string(kNewest) + " WHERE id = 1";
    db.exec(set_version.c_str());
    tx.commit();
}

}  // namespace cusax::store::sqlite
