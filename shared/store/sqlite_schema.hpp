#pragma once
// The SQLite schema as numbered migrations. PRAGMA user_version holds the number of
// migrations applied; a new schema change is a new script appended to the list, never an
// edit of an old one (databases in the field already ran it).
#include <array>

#include "shared/store/sqlite_handles.hpp"

namespace cusax::store::sqlite {

// The version a database has once migrate_schema() ran.
int current_schema_version();

// The first version with the `changes` log (SqliteStore::changes_since).
constexpr int kChangeLogVersion = 3;

// The triggers that bump the generation and log the AORs written (migrations 2 and 3). A bulk
// import drops them inside its transaction and creates them again, from their stored text,
// before it commits (SqliteStore::import): no other connection ever sees them missing.
inline constexpr std::array<const char*, 6> kChangeTriggers = {
    "bindings_inserted", "bindings_updated", "bindings_deleted",
    "numbers_inserted",  "numbers_updated",  "numbers_deleted"};

// Applies every migration the database lacks, each in its own transaction. Throws
// StoreError when the database is newer than this program (it would misread it).
void migrate_schema(Database& db);

}  // namespace cusax::store::sqlite
