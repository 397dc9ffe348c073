#pragma once
// The users' vCard store in a PostgreSQL database (user_vcard_store.hpp), as numbered
// migrations: the counterpart of user_vcard_schema.hpp. Its tables sit beside the bindings'
// (pg_schema.hpp) in the database of [store] conninfo, and its number in a table of its own
// (vcard_schema), so that each store migrates on its own. PostgreSQL's numbering is its own:
// its version 1 has everything SQLite's vCard files reached in three.
#include "shared/store/pg_handles.hpp"

namespace cusax::store::pg {

// The version a database has once migrate_user_vcard_schema() ran.
int user_vcard_schema_version();

// The version the database's vCard store has; 0 when it has none. Reads only.
int found_user_vcard_schema_version(Connection& db);

// Whether the database holds a vCard store (of any version).
bool has_user_vcard_store(Connection& db);

// Applies every migration the database lacks, one process at a time (an advisory lock of its
// own). Throws StoreError when the database's vCard store is newer than this program.
void migrate_user_vcard_schema(Connection& db);

}  // namespace cusax::store::pg
