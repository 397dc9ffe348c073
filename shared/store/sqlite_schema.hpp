#pragma once
// The SQLite schema as numbered migrations. PRAGMA user_version holds the number of
// migrations applied; a new schema change is a new script appended to the list, never an
// edit of an old one (databases in the field already ran it).
#include "shared/store/sqlite_handles.hpp"

namespace cusax::store::sqlite {

// The version a database has once migrate_schema() ran.
int current_schema_version();

// The first version with the `changes` log (SqliteStore::changes_since).
constexpr int kChangeLogVersion = 3;

// Applies every migration the database lacks, each in its own transaction. Throws
// StoreError when the database is newer than this program (it would misread it).
void migrate_schema(Database& db);

}  // namespace cusax::store::sqlite
