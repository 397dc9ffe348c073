#pragma once
// The schema of the users' vCard store (user_vcard_store.hpp) as numbered migrations, the
// binding store's way (sqlite_schema.hpp): a schema change is a new script appended to the
// list, never an edit of an old one.
//
// Its number lives in a table of its own (vcard_schema, one row), not in PRAGMA user_version:
// plain SQL that a PostgreSQL port keeps as it is, and a vCard store given the binding store's
// file cannot take that file's number for its own.
//
// Files written before the number existed are dated by their layout: no `vcards` table is
// version 0, `vcards` without `listed_sip` version 1, with it version 2; the migrations after
// that run on them as on any other, and every row they hold is kept. (Only SQLite files need
// that dating: a store in another database starts numbered.)
#include "shared/store/sqlite_handles.hpp"

namespace cusax::store::sqlite {

// The version a vCard store has once migrate_user_vcard_schema() ran.
int user_vcard_schema_version();

// The version the file has (dated by its layout when it has no number yet); 0 when it holds
// no vCard store. Reads only.
int found_user_vcard_schema_version(Database& db);

// Brings the file to user_vcard_schema_version(), in one write transaction (another process
// migrating at the same moment waits, then finds nothing left to do). Throws StoreError when
// the file is newer than this program (it would misread it) or a migration fails.
void migrate_user_vcard_schema(Database& db);

}  // namespace cusax::store::sqlite
