#include "shared/store/pg_schema.hpp"

#include <array>
#include <string>

#include "shared/store/pg_migrations.hpp"

namespace cusax::store::pg {
namespace {

// Migration N (1-based) takes a database from version N-1 to N.
constexpr std::array kMigrations = {
    // 1: what SQLite's versions 1 to 3 built, in PostgreSQL's terms.
    //
    // `id` columns give rows the order SQLite's rowid gives them (numbers keep the order they
    // were written in). jid is unique at the end of each statement (DEFERRABLE, initially
    // immediate), so an import that swaps two JIDs in one statement is not refused half-way.
    //
    // Change tracking: one statement-level trigger per table and event, with the statement's
    // rows as transition tables. Each statement that touches rows bumps the generation once,
    // logs the AORs it touched with the new value, and notifies the daemons (delivered at
    // commit). The generation row stays locked until commit, so writers commit in generation
    // order and a reader never sees generation N+1 before N. A statement of more than 65,536
    // rows (an import) empties the log instead of filling it: a full reload is cheaper than
    // patching that many, and an empty log makes every reader do one. Otherwise the oldest
    // whole generations are dropped once more than 65,536 rows are logged, as SQLite's
    // pruning keeps about as many: the log covers a gap exactly when it holds the first
    // missing generation.
    R"sql(
CREATE TABLE bindings (
    id           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    aor          text PRIMARY KEY,
    jid          text NOT NULL UNIQUE DEFERRABLE,
    display_name text NOT NULL DEFAULT '',
    verification text NOT NULL DEFAULT 'unverified',
    updated_at   bigint NOT NULL DEFAULT 0
);
CREATE TABLE numbers (
    id     bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    number text PRIMARY KEY,
    aor    text NOT NULL REFERENCES bindings(aor) ON DELETE CASCADE,
    voice  integer NOT NULL DEFAULT 1,
    video  integer NOT NULL DEFAULT 0
);
CREATE INDEX numbers_by_aor ON numbers(aor);
CREATE TABLE generation (
    id       integer PRIMARY KEY CHECK (id = 1),
    value    bigint NOT NULL,
    store_id uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO generation (id, value) VALUES (1, 1);
CREATE TABLE changes (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    generation bigint NOT NULL,
    aor        text NOT NULL
);
CREATE INDEX changes_by_generation ON changes(generation);

CREATE FUNCTION cusax_log_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    touched bigint;
    g bigint;
    cut bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO touched FROM old_rows;
    ELSE
        SELECT count(*) INTO touched FROM new_rows;
    END IF;
    IF touched = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE generation SET value = value + 1 WHERE id = 1 RETURNING value INTO g;
    IF touched > 65536 THEN
        DELETE FROM changes;
    ELSE
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO changes (generation, aor) SELECT g, aor FROM new_rows;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO changes (generation, aor) SELECT g, aor FROM old_rows;
        END IF;
        SELECT generation INTO cut FROM changes
            WHERE seq <= (SELECT max(seq) FROM changes) - 65536 ORDER BY seq DESC LIMIT 1;
        IF cut IS NOT NULL THEN
            DELETE FROM changes WHERE generation <= cut;
        END IF;
    END IF;
    PERFORM pg_notify('cusax_bindings', g::text);
    RETURN NULL;
END
$fn$;

CREATE TRIGGER bindings_inserted AFTER INSERT ON bindings REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_changes();
CREATE TRIGGER bindings_updated AFTER UPDATE ON bindings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_changes();
CREATE TRIGGER bindings_deleted AFTER DELETE ON bindings REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_changes();
CREATE TRIGGER numbers_inserted AFTER INSERT ON numbers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_changes();
CREATE TRIGGER numbers_updated AFTER UPDATE ON numbers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_changes();
CREATE TRIGGER numbers_deleted AFTER DELETE ON numbers REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_changes();
)sql",
    // 2: TRUNCATE (an operator emptying the store by hand) fires no DELETE trigger: without
    // these the generation stayed, and the daemons served the removed bindings until they
    // were restarted. The AORs are gone with the rows, so the log is emptied: every reader
    // then reloads in full, as after a large import.
    R"sql(
CREATE FUNCTION cusax_log_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    g bigint;
BEGIN
    UPDATE generation SET value = value + 1 WHERE id = 1 RETURNING value INTO g;
    DELETE FROM changes;
    PERFORM pg_notify('cusax_bindings', g::text);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER bindings_truncated AFTER TRUNCATE ON bindings
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_truncate();
CREATE TRIGGER numbers_truncated AFTER TRUNCATE ON numbers
    FOR EACH STATEMENT EXECUTE FUNCTION cusax_log_truncate();
)sql",
};

// The lock is held for the length of a migration's transaction, so that two `cusaxctl init`
// on two hosts do not both run one (a key of cusax's own; the users' vCard store has another).
constexpr NumberedMigrations kSchema{
    "cusax_schema", "schema", 435610450296, {kMigrations.data(), kMigrations.size()}};

}  // namespace

int current_schema_version() { return static_cast<int>(kMigrations.size()); }

int schema_version(Connection& db) { return applied_version(db, kSchema); }

void migrate_schema(Connection& db) { apply_migrations(db, kSchema); }

}  // namespace cusax::store::pg
