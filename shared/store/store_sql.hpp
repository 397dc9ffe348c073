#pragma once
// The statements SQLite and PostgreSQL run alike, written once. Parameters are ?1, ?2, ...
// (SQLite's spelling; pg::Connection turns them into PostgreSQL's $1, $2). What differs
// between the engines (schemas, row order, change-log reads, bulk import) stays in each
// engine's own files: sqlite_schema.cpp and sqlite_store.cpp, pg_schema.cpp and pg_store.cpp.
namespace cusax::store::sql {

inline constexpr const char* kInsertBinding =
    "INSERT INTO bindings (aor, jid, display_name, verification, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
// Not INSERT OR REPLACE: that would silently delete the binding holding the JID.
// ON CONFLICT (aor) replaces only the same AOR; a JID clash still fails.
inline constexpr const char* kUpsertBinding =
    "INSERT INTO bindings (aor, jid, display_name, verification, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (aor) DO UPDATE "
    "SET jid = excluded.jid, display_name = excluded.display_name, "
    "verification = excluded.verification, updated_at = excluded.updated_at";
inline constexpr const char* kDeleteNumbers = "DELETE FROM numbers WHERE aor = ?1";
inline constexpr const char* kInsertNumber =
    "INSERT INTO numbers (number, aor, voice, video) VALUES (?1, ?2, ?3, ?4)";
// Numbers go with their binding by ON DELETE CASCADE (and, on SQLite, a trigger, for
// sessions without foreign keys).
inline constexpr const char* kRemoveBinding = "DELETE FROM bindings WHERE aor = ?1";
inline constexpr const char* kSetVerification =
    "UPDATE bindings SET verification = ?2, updated_at = ?3 WHERE aor = ?1";
inline constexpr const char* kReplaceVerification =
    "UPDATE bindings SET verification = ?2, updated_at = ?3 WHERE aor = ?1 AND verification = ?4";

inline constexpr const char* kHolderOfJid = "SELECT aor FROM bindings WHERE jid = ?1";
inline constexpr const char* kHolderOfNumber = "SELECT aor FROM numbers WHERE number = ?1";
inline constexpr const char* kJidOfAor = "SELECT jid FROM bindings WHERE aor = ?1";
// Columns as read_binding() (stored_rows.hpp) takes them.
inline constexpr const char* kFindBinding =
    "SELECT aor, jid, display_name, verification, updated_at FROM bindings WHERE aor = ?1";
inline constexpr const char* kGeneration = "SELECT value FROM generation WHERE id = 1";

}  // namespace cusax::store::sql
