#include "shared/store/sqlite_store.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_set>

#include "shared/log/log.hpp"
#include "shared/store/binding_conflict.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/sqlite_schema.hpp"
#include "shared/store/store_sql.hpp"
#include "shared/store/stored_rows.hpp"

namespace cusax::store {
namespace {

using sqlite::SqliteError;
using sqlite::Statement;
using sqlite::StatementUse;
using sqlite::Transaction;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

namespace {

// Columns: aor, jid, display_name, verification, updated_at (starting at `first`).
std::optional<Binding> read_binding(const Statement& s, int first, LoadProblems& problems) {
    return store::read_binding(s.text(first), s.text(first + 1), s.text(first + 2),
                               s.text(first + 3), s.integer(first + 4), problems);
}

// Columns: number, voice, video (starting at `first`).
std::optional<PhoneNumber> read_number(const Statement& s, int first, LoadProblems& problems) {
    return store::read_number(s.text(first), s.integer(first + 1) != 0, s.integer(first + 2) != 0,
                              problems);
}

const std::string& non_empty_path(const StoreSettings& settings) {
    // An empty name would make SQLite open a private temporary database.
    if (settings.path.empty()) throw StoreError("store path is empty");
    // A reader must not create the file (SQLite would with a read-write open); saying what
    // is missing beats SQLite's "unable to open database file".
    if (settings.read_only && path_state(settings.path).kind == PathState::Kind::missing) {
        throw StoreMissing(settings.path + ": no such store file (cusaxctl init creates it)");
    }
    return settings.path;
}

}  // namespace

SqliteStore::SqliteStore(const StoreSettings& settings)
    : settings_(settings),
      opened_(path_state(non_empty_path(settings))),
      db_(settings.path, settings.read_only) {
    set_up();
}

void SqliteStore::set_up() {
    const StoreSettings& settings = settings_;
    sqlite3_busy_timeout(db_.get(), std::max(0, settings.busy_timeout_ms));
    try {
        // Reads the header, so the file opened is the one the path named when it was read:
        // if the path changed in between, say so rather than watch the wrong file.
        db_.query_int("PRAGMA schema_version");
        const PathState now = path_state(settings.path);
        if (opened_.kind == PathState::Kind::missing) {
            opened_ = now;  // created by this read-write open
        } else if (now.identity != opened_.identity) {
            throw StoreError(settings.path + ": the file was replaced while it was opened");
        }
        if (settings.read_only) return;
        // SQLite finds a database's WAL and -shm files by name, so a file restored with mv
        // meets the ones of the file it replaced, still open in the daemons: whatever they
        // hold would be read as pages of the new file (sqlite.org/howtocorrupt.html §2.4;
        // docs/binding-snapshot.md). Emptying the WAL after every commit leaves nothing to
        // pair wrongly. This replaces the automatic checkpoint, which also runs here.
        sqlite3_wal_hook(db_.get(), &SqliteStore::empty_wal, nullptr);
        // WAL: readers (the daemons' watchers) never block the writer, nor it them.
        Statement wal(db_, "PRAGMA journal_mode = WAL");
        if (!wal.step() || wal.text(0) != "wal") {
            throw StoreError(settings.path + ": cannot switch to WAL journal mode");
        }
        wal.reset();
        db_.exec("PRAGMA foreign_keys = ON");
        // Every write statement fires triggers, so SQLite keeps a statement journal to undo
        // it alone; on disk that journal made a 1,000,000-row import take 33 s, in memory
        // 12 s. It holds one statement's pages, so memory stays small.
        db_.exec("PRAGMA temp_store = MEMORY");
    } catch (const SqliteError& e) {
        throw StoreError(e.what());
    }
}

SqliteStore::~SqliteStore() = default;

void SqliteStore::follow_the_path() {
    if (settings_.read_only) return;
    const Source now = source();
    if (now == Source::same) return;
    if (now == Source::vanished) {
        throw StoreError(settings_.path + ": the store file is gone (cusaxctl init creates one)");
    }
    // A long-lived writer (the component's verification writes) must write where the
    // daemons now read, not into the file the restore replaced.
    log::event(log::Level::warn, "store.file_replaced",
               "store file replaced; writing to the new one", {{"path", settings_.path}});
    for (auto* slot : {&insert_binding_, &upsert_binding_, &delete_numbers_, &insert_number_,
                       &jid_holder_, &number_holder_, &jid_of_aor_, &find_binding_, &find_numbers_,
                       &generation_, &oldest_change_, &changed_aors_}) {
        slot->reset();
    }
    opened_ = path_state(settings_.path);
    db_ = sqlite::Database(settings_.path);
    set_up();
}

int SqliteStore::empty_wal(void*, sqlite3* db, const char* schema, int) {
    // A reader in the middle of a poll may hold the WAL for a moment: the busy timeout waits
    // for it; should it still hold on, the next commit empties what is left.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    return SQLITE_OK;
}

BindingStore::Source SqliteStore::source() {
    const PathState now = path_state(db_.path());
    if (now.kind == PathState::Kind::missing) return Source::vanished;
    if (now.kind == PathState::Kind::file && now.identity != opened_.identity) {
        return Source::replaced;
    }
    return Source::same;
}

Statement& SqliteStore::prepared(std::unique_ptr<Statement>& slot, const char* sql) {
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    return *slot;
}

void SqliteStore::migrate() { sqlite::migrate_schema(db_); }

int SqliteStore::schema_version() { return static_cast<int>(db_.query_int("PRAGMA user_version")); }

std::optional<std::string> SqliteStore::holder_of_jid(const std::string& jid) {
    StatementUse s(prepared(jid_holder_, sql::kHolderOfJid));
    s->bind(1, jid);
    if (!s->step()) return std::nullopt;
    return std::string(s->text(0));
}

std::optional<std::string> SqliteStore::holder_of_number(const std::string& number) {
    StatementUse s(prepared(number_holder_, sql::kHolderOfNumber));
    s->bind(1, number);
    if (!s->step()) return std::nullopt;
    return std::string(s->text(0));
}

std::optional<std::string> SqliteStore::jid_of_aor(const std::string& aor) {
    StatementUse s(prepared(jid_of_aor_, sql::kJidOfAor));
    s->bind(1, aor);
    if (!s->step()) return std::nullopt;
    return std::string(s->text(0));
}

HolderLookups SqliteStore::lookups() {
    return {[this](const std::string& aor) { return jid_of_aor(aor); },
            [this](const std::string& jid) { return holder_of_jid(jid); },
            [this](const std::string& number) { return holder_of_number(number); }};
}

void SqliteStore::write(const Binding& b, Mode mode, std::int64_t now) {
    check_binding(b);
    try {
        StatementUse s(mode == Mode::add ? prepared(insert_binding_, sql::kInsertBinding)
                                         : prepared(upsert_binding_, sql::kUpsertBinding));
        s->bind(1, b.aor);
        s->bind(2, b.jid);
        s->bind(3, b.display_name);
        s->bind(4, to_string(b.verification));
        s->bind(5, now);
        s->step();
    } catch (const SqliteError& e) {
        if (!e.is_constraint()) throw;
        throw binding_conflict(b, mode == Mode::add, lookups(), e.what());
    }
    if (mode == Mode::put) {
        StatementUse s(prepared(delete_numbers_, sql::kDeleteNumbers));
        s->bind(1, b.aor);
        s->step();
    }
    for (const auto& n : b.numbers) {
        try {
            StatementUse s(prepared(insert_number_, sql::kInsertNumber));
            s->bind(1, n.number);
            s->bind(2, b.aor);
            s->bind(3, std::int64_t{n.voice});
            s->bind(4, std::int64_t{n.video});
            s->step();
        } catch (const SqliteError& e) {
            if (!e.is_constraint()) throw;
            throw number_conflict(b, n.number, lookups(), e.what());
        }
    }
}

void SqliteStore::add(const Binding& binding) {
    follow_the_path();
    Transaction tx(db_, Transaction::Kind::write);
    write(binding, Mode::add, unix_now());
    tx.commit();
}

void SqliteStore::put(const Binding& binding) {
    follow_the_path();
    Transaction tx(db_, Transaction::Kind::write);
    write(binding, Mode::put, unix_now());
    tx.commit();
}

bool SqliteStore::remove(const std::string& aor) {
    follow_the_path();
    Statement s(db_, sql::kRemoveBinding);
    s.bind(1, aor);
    s.step();
    return db_.changes() > 0;
}

bool SqliteStore::set_verification(const std::string& aor, Verification state) {
    follow_the_path();
    Statement s(db_, sql::kSetVerification);
    s.bind(1, aor);
    s.bind(2, to_string(state));
    s.bind(3, unix_now());
    s.step();
    return db_.changes() > 0;
}

bool SqliteStore::replace_verification(const std::string& aor, Verification expected,
                                       Verification state) {
    follow_the_path();
    Statement s(db_, sql::kReplaceVerification);
    s.bind(1, aor);
    s.bind(2, to_string(state));
    s.bind(3, unix_now());
    s.bind(4, to_string(expected));
    s.step();
    return db_.changes() > 0;
}

std::optional<Binding> SqliteStore::find_by_aor(const std::string& aor) {
    LoadProblems problems;
    std::optional<Binding> found;
    {
        Transaction tx(db_, Transaction::Kind::read);
        found = read_by_aor(aor, problems);
        tx.commit();
    }
    problems.log();
    return found;
}

// Inside the caller's read transaction.
std::optional<Binding> SqliteStore::read_by_aor(const std::string& aor, LoadProblems& problems) {
    StatementUse s(prepared(find_binding_, sql::kFindBinding));
    s->bind(1, aor);
    if (!s->step()) return std::nullopt;
    auto found = read_binding(*s, 0, problems);
    if (found) {
        StatementUse n(prepared(find_numbers_,
                                "SELECT number, voice, video FROM numbers WHERE aor = ?1 "
                                "ORDER BY rowid"));
        n->bind(1, aor);
        while (n->step()) {
            if (auto number = read_number(*n, 0, problems)) {
                found->numbers.push_back(std::move(*number));
            }
        }
    }
    return found;
}

std::vector<Binding> SqliteStore::load_all() {
    LoadProblems problems;
    std::vector<Binding> out;
    {
        // One read transaction: bindings and numbers from the same committed state.
        Transaction tx(db_, Transaction::Kind::read);
        out.reserve(static_cast<std::size_t>(db_.query_int("SELECT count(*) FROM bindings")));
        // Two scans in rowid order and a merge, rather than a join with ORDER BY: no sort of
        // a million rows, no dependence on the query planner for grouping. Numbers keep the
        // order they were written in.
        std::vector<std::int64_t> rowids;
        rowids.reserve(out.capacity());
        Statement bindings(db_,
                           "SELECT rowid, aor, jid, display_name, verification, updated_at "
                           "FROM bindings ORDER BY rowid");
        while (bindings.step()) {
            if (auto b = read_binding(bindings, 1, problems)) {
                rowids.push_back(bindings.integer(0));
                out.push_back(std::move(*b));
            }
        }
        Statement numbers(db_,
                          "SELECT b.rowid, n.number, n.voice, n.video FROM numbers n "
                          "JOIN bindings b ON b.aor = n.aor ORDER BY n.rowid");
        while (numbers.step()) {
            const auto it = std::lower_bound(rowids.begin(), rowids.end(), numbers.integer(0));
            if (it == rowids.end() || *it != numbers.integer(0)) continue;  // skipped binding
            if (auto n = read_number(numbers, 1, problems)) {
                out[static_cast<std::size_t>(it - rowids.begin())].numbers.push_back(std::move(*n));
            }
        }
        bindings.reset();
        numbers.reset();
        tx.commit();
    }
    problems.log();
    return out;
}

namespace {

// The change log keeps the last 61,440 to 65,536 rows (migration 3's pruning): an import that
// logged more than that row by row would leave every reader a log pruned past its own start,
// hence a full reload, after paying for the log: two of the three rows written per binding
// and per number, and a statement journal (a copy of each page touched) for every statement,
// which the triggers make undoable; about two thirds of the SQLite time of a large import.
constexpr std::size_t kLogKept = 65536;

bool overflows_the_log(const std::vector<Binding>& bindings) {
    std::size_t rows = 0;
    for (const auto& b : bindings) {
        rows += 1 + b.numbers.size();
        if (rows > kLogKept) return true;
    }
    return false;
}

// The change triggers' CREATE statements as stored, after dropping them: the caller's
// transaction runs without them and creates them again (restore_triggers) before it commits,
// or rolls back with them. Inside a write transaction, so no other connection sees them gone.
std::vector<std::string> drop_change_triggers(sqlite::Database& db) {
    std::vector<std::string> created;
    std::vector<std::string> names;
    {
        Statement s(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'");
        while (s.step()) {
            const auto name = s.text(0);
            const auto& ours = sqlite::kChangeTriggers;
            if (std::find(ours.begin(), ours.end(), name) == ours.end()) continue;
            names.emplace_back(name);
            created.emplace_back(s.text(1));
        }
    }
    for (const auto& name : names) db.exec(("DROP TRIGGER \"" + name + "\"").c_str());
    return created;
}

void restore_triggers(sqlite::Database& db, const std::vector<std::string>& created) {
    for (const auto& sql : created) db.exec(sql.c_str());
}

}  // namespace

void SqliteStore::import(const std::vector<Binding>& bindings) {
    follow_the_path();
    // One transaction: a failed import changes nothing, and 100,000 rows commit (and sync)
    // once instead of 100,000 times.
    Transaction tx(db_, Transaction::Kind::write);
    // Past what the log keeps, one gap instead of a row per binding and number: the change
    // triggers are dropped for the writes (no log rows, no statement journals) and created
    // again, the generation bumped once and the log emptied, all in this transaction. A
    // reader at any earlier generation then finds the log does not reach back to it
    // (changes_since) and reloads in full, once, as it would after the pruned log.
    const bool bulk = overflows_the_log(bindings) && schema_version() >= sqlite::kChangeLogVersion;
    const auto triggers = bulk ? drop_change_triggers(db_) : std::vector<std::string>{};
    const auto now = unix_now();
    for (std::size_t i = 0; i < bindings.size(); ++i) {
        try {
            write(bindings[i], Mode::put, now);
        } catch (const ImportError&) {
            throw;
        } catch (const BindingError& e) {
            throw ImportError(i, e.what());  // tx rolls back as it unwinds
        }
    }
    if (bulk) {
        restore_triggers(db_, triggers);
        db_.exec("UPDATE generation SET value = value + 1 WHERE id = 1; DELETE FROM changes");
    }
    tx.commit();
}

std::uint64_t SqliteStore::generation() {
    StatementUse s(prepared(generation_, sql::kGeneration));
    if (!s->step()) throw StoreError(db_.path() + ": the generation row is missing");
    return static_cast<std::uint64_t>(s->integer(0));
}

std::optional<BindingChanges> SqliteStore::changes_since(std::uint64_t generation,
                                                         std::size_t limit) {
    // A database not migrated to the change log (opened by a test or a tool without
    // migrate()) simply gets full reloads.
    if (schema_version() < sqlite::kChangeLogVersion) return std::nullopt;
    LoadProblems problems;
    BindingChanges out;
    {
        // One read transaction: the generation, the log and the rows of one committed state.
        Transaction tx(db_, Transaction::Kind::read);
        out.generation = this->generation();
        if (out.generation == generation) return out;
        if (out.generation < generation) return std::nullopt;  // another file, or restored
        // Every bump of the generation logs at least one row with the new value, and pruning
        // drops the oldest rows: the log covers the gap when it still holds generation + 1.
        // Generations grow with seq, so both reads walk the primary key from one end and stop
        // early: a poll after one change reads a few rows, not the 64k the log keeps.
        StatementUse first(
            prepared(oldest_change_, "SELECT generation FROM changes ORDER BY seq LIMIT 1"));
        if (!first->step() || static_cast<std::uint64_t>(first->integer(0)) > generation + 1) {
            return std::nullopt;
        }
        std::vector<std::string> aors;
        {
            std::unordered_set<std::string> seen;
            StatementUse changed(
                prepared(changed_aors_, "SELECT generation, aor FROM changes ORDER BY seq DESC"));
            while (changed->step() &&
                   static_cast<std::uint64_t>(changed->integer(0)) > generation) {
                if (!seen.emplace(changed->text(1)).second) continue;
                if (seen.size() > limit) return std::nullopt;
                aors.emplace_back(changed->text(1));
            }
        }
        out.changes.reserve(aors.size());
        for (auto& aor : aors) {
            auto binding = read_by_aor(aor, problems);
            out.changes.push_back({std::move(aor), std::move(binding)});
        }
        tx.commit();
    }
    problems.log();
    return out;
}

}  // namespace cusax::store
