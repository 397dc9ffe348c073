#pragma once
// Numbered migrations on PostgreSQL, for each store kept there (the bindings: pg_schema.hpp;
// the users' vCards: pg_user_vcard_schema.hpp): a one-row table holds how many of a list of
// scripts were applied; a schema change is a new script appended to the list, never an edit of
// an old one. Each store has its own table and lock, so either migrates without the other.
#include <cstdint>
#include <span>
#include <string_view>

#include "shared/store/pg_handles.hpp"

namespace cusax::store::pg {

struct NumberedMigrations {
    std::string_view table;  // (id 1, version): the number of scripts applied
    std::string_view what;   // names the schema in messages: "schema", "vCard store schema"
    std::int64_t lock_key;   // pg_advisory_xact_lock key, held while one runs
    // Script N (1-based) takes the database from version N-1 to N.
    std::span<const char* const> scripts;
};

// The number of scripts applied; 0 when the table is not there (nothing applied yet).
int applied_version(Connection& db, const NumberedMigrations& m);

// Applies every script the database lacks, each in its own transaction, one process at a time
// (the advisory lock). Throws StoreError when the database is newer than the list (this
// program would misread it) or a script fails.
void apply_migrations(Connection& db, const NumberedMigrations& m);

}  // namespace cusax::store::pg
