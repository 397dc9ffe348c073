#include "shared/store/pg_user_vcard_schema.hpp"

#include <array>

#include "shared/store/pg_migrations.hpp"

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

// The lock is held for the length of a migration's transaction, so that two component
// instances starting on two hosts do not both run one ("vcards" in ASCII; the bindings' lock
// is another).
constexpr NumberedMigrations kSchema{"vcard_schema",
                                     "vCard store schema",
                                     130169208726643,
                                     {kMigrations.data(), kMigrations.size()}};

}  // namespace

int user_vcard_schema_version() { return static_cast<int>(kMigrations.size()); }

int found_user_vcard_schema_version(Connection& db) { return applied_version(db, kSchema); }

bool has_user_vcard_store(Connection& db) { return found_user_vcard_schema_version(db) > 0; }

void migrate_user_vcard_schema(Connection& db) { apply_migrations(db, kSchema); }

}  // namespace cusax::store::pg
