#pragma once
// The PostgreSQL schema as numbered migrations, the counterpart of sqlite_schema.hpp: the
// table cusax_schema holds the number of migrations applied; a schema change is a new script
// appended to the list, never an edit of an old one. PostgreSQL's numbering is its own (its
// version 1 already has everything SQLite reached in three).
#include "shared/store/pg_handles.hpp"

namespace cusax::store::pg {

// The version a database has once migrate_schema() ran.
int current_schema_version();

// The number of migrations applied; 0 for a database cusax never touched.
int schema_version(Connection& db);

// Applies every migration the database lacks, each in its own transaction, one process at a
// time (an advisory lock). Throws StoreError when the database is newer than this program.
void migrate_schema(Connection& db);

// The channel the change triggers notify on, with the new generation as the payload.
constexpr const char* kChangeChannel = "cusax_bindings";

}  // namespace cusax::store::pg
