#include "shared/store/pg_store.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <unordered_map>

#include "shared/store/binding_conflict.hpp"
#include "shared/store/field_error.hpp"
#include "shared/store/pg_schema.hpp"
#include "shared/store/store_sql.hpp"
#include "shared/store/stored_rows.hpp"

namespace cusax::store {
namespace {

using pg::PgError;
using pg::Transaction;

std::string unix_now() {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

std::int64_t to_int(std::string_view text) {
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw StoreError("postgresql: not an integer: " + std::string(text.substr(0, 40)));
    }
    return out;
}

// A unique key refused the write; the holder is looked up once the transaction is rolled
// back (PostgreSQL runs nothing more in a transaction after an error).
struct WriteConflict {
    std::optional<std::string> number;  // the refused number; none: the binding row
    std::string message;
};

// Columns: aor, jid, display_name, verification, updated_at (starting at `first`).
std::optional<Binding> binding_from(const pg::Result& r, int row, int first,
                                    LoadProblems& problems) {
    return read_binding(r.text(row, first), r.text(row, first + 1), r.text(row, first + 2),
                        r.text(row, first + 3), r.integer(row, first + 4), problems);
}

// Columns: number, voice, video (starting at `first`).
std::optional<PhoneNumber> number_from(const pg::Result& r, int row, int first,
                                       LoadProblems& problems) {
    return read_number(r.text(row, first), r.integer(row, first + 1) != 0,
                       r.integer(row, first + 2) != 0, problems);
}

}  // namespace

PgStore::PgStore(const StoreSettings& settings)
    : settings_(settings), db_(std::make_unique<pg::Connection>(settings.conninfo)) {
    set_up();
}

PgStore::~PgStore() = default;

void PgStore::set_up() {
    listening_ = false;
    // A daemon's connection only reads: the server refuses any write made through it.
    if (settings_.read_only) {
        db_->exec("SET default_transaction_read_only = on");
        return;
    }
    // A write waits for another session's lock busy_timeout at most, as with SQLite
    // (sqlite_store.cpp), rather than for as long as it is held: the component's SIGTERM drain
    // counts on its call returning within it (xmpp-component/main.cpp). PostgreSQL takes 0 for
    // no limit. Migrations wait for each other as long as it takes (pg_migrations.cpp).
    const std::string wait =
        "SET lock_timeout = " + std::to_string(std::max(1, settings_.busy_timeout_ms));
    db_->exec(wait.c_str());
}

pg::Connection& PgStore::db() {
    // Made again before a command when the server ended the last one (usable(): a restart
    // since the last call shows only by reading), so a long-lived writer's first command after
    // a restart does not fail. Not inside a transaction, which refers to the connection it
    // began on: its next command fails on the dead one instead, and the call after it
    // connects again.
    if (!db_ || (!db_->in_transaction() && !db_->usable())) {
        db_.reset();
        db_ = std::make_unique<pg::Connection>(settings_.conninfo);
        ++connections_;
        set_up();
    }
    return *db_;
}

void PgStore::migrate() { pg::migrate_schema(db()); }

int PgStore::schema_version() { return pg::schema_version(db()); }

std::optional<std::string> PgStore::single_text(const char* sql, const std::string& key) {
    const auto r = db().query(sql, {key});
    if (r.rows() == 0) return std::nullopt;
    return std::string(r.text(0, 0));
}

HolderLookups PgStore::lookups() {
    return {
        [this](const std::string& aor) { return single_text(sql::kJidOfAor, aor); },
        [this](const std::string& jid) { return single_text(sql::kHolderOfJid, jid); },
        [this](const std::string& number) { return single_text(sql::kHolderOfNumber, number); }};
}

// Inside the caller's write transaction.
void PgStore::write(const Binding& b, Mode mode, const std::string& now) {
    auto& c = db();
    try {
        c.query(mode == Mode::add ? sql::kInsertBinding : sql::kUpsertBinding,
                {b.aor, b.jid, b.display_name, to_string(b.verification), now});
    } catch (const PgError& e) {
        if (!e.is_unique_violation()) throw;
        throw WriteConflict{std::nullopt, e.what()};
    }
    if (mode == Mode::put) c.query(sql::kDeleteNumbers, {b.aor});
    for (const auto& n : b.numbers) {
        try {
            c.query(sql::kInsertNumber,
                    {n.number, b.aor, n.voice ? "1" : "0", n.video ? "1" : "0"});
        } catch (const PgError& e) {
            if (!e.is_unique_violation()) throw;
            throw WriteConflict{n.number, e.what()};
        }
    }
}

void PgStore::write_one(const Binding& binding, Mode mode) {
    check_binding(binding);
    std::optional<WriteConflict> conflict;
    {
        Transaction tx(db(), Transaction::Kind::write);
        try {
            write(binding, mode, unix_now());
            tx.commit();
        } catch (const WriteConflict& c) {
            conflict = c;
        }
    }
    if (!conflict) return;
    if (conflict->number) {
        throw number_conflict(binding, *conflict->number, lookups(), conflict->message);
    }
    throw binding_conflict(binding, mode == Mode::add, lookups(), conflict->message);
}

void PgStore::add(const Binding& binding) { write_one(binding, Mode::add); }

void PgStore::put(const Binding& binding) { write_one(binding, Mode::put); }

bool PgStore::update(const char* sql,
                     std::initializer_list<std::optional<std::string_view>> params) {
    return db().query(sql, params).affected() > 0;
}

bool PgStore::remove(const std::string& aor) { return update(sql::kRemoveBinding, {aor}); }

bool PgStore::set_verification(const std::string& aor, Verification state) {
    return update(sql::kSetVerification, {aor, to_string(state), unix_now()});
}

bool PgStore::replace_verification(const std::string& aor, Verification expected,
                                   Verification state) {
    return update(sql::kReplaceVerification,
                  {aor, to_string(state), unix_now(), to_string(expected)});
}

std::optional<Binding> PgStore::find_by_aor(const std::string& aor) {
    LoadProblems problems;
    std::optional<Binding> found;
    {
        Transaction tx(db(), Transaction::Kind::read);
        const auto b = db().query(sql::kFindBinding, {aor});
        if (b.rows() > 0) found = binding_from(b, 0, 0, problems);
        if (found) {
            const auto n = db().query(
                "SELECT number, voice, video FROM numbers WHERE aor = ?1 ORDER BY id", {aor});
            for (int i = 0; i < n.rows(); ++i) {
                if (auto number = number_from(n, i, 0, problems)) {
                    found->numbers.push_back(std::move(*number));
                }
            }
        }
        tx.commit();
    }
    problems.log();
    return found;
}

std::vector<Binding> PgStore::load_all() {
    LoadProblems problems;
    std::vector<Binding> out;
    {
        // One snapshot of the database: bindings and numbers from the same committed state.
        // COPY streams the rows (a query's result would be held whole in libpq's memory
        // first, a second copy of a million bindings). Ordered by id, as SQLite's by rowid.
        Transaction tx(db(), Transaction::Kind::read);
        auto& c = db();
        out.reserve(static_cast<std::size_t>(c.query_int("SELECT count(*) FROM bindings")));
        std::vector<std::int64_t> ids;
        ids.reserve(out.capacity());
        std::vector<std::string> f;
        c.copy_out(
            "COPY (SELECT id, aor, jid, display_name, verification, updated_at FROM bindings "
            "ORDER BY id) TO STDOUT",
            [&](std::string_view line) {
                pg::copy_fields(line, f);
                if (f.size() != 6) throw StoreError(c.name() + ": bindings: unexpected columns");
                if (auto b = read_binding(f[1], f[2], f[3], f[4], to_int(f[5]), problems)) {
                    ids.push_back(to_int(f[0]));
                    out.push_back(std::move(*b));
                }
            });
        c.copy_out(
            "COPY (SELECT b.id, n.number, n.voice, n.video FROM numbers n "
            "JOIN bindings b ON b.aor = n.aor ORDER BY n.id) TO STDOUT",
            [&](std::string_view line) {
                pg::copy_fields(line, f);
                if (f.size() != 4) throw StoreError(c.name() + ": numbers: unexpected columns");
                const auto id = to_int(f[0]);
                const auto it = std::lower_bound(ids.begin(), ids.end(), id);
                if (it == ids.end() || *it != id) return;  // a skipped binding's
                if (auto n = read_number(f[1], to_int(f[2]) != 0, to_int(f[3]) != 0, problems)) {
                    out[static_cast<std::size_t>(it - ids.begin())].numbers.push_back(
                        std::move(*n));
                }
            });
        tx.commit();
    }
    problems.log();
    return out;
}

namespace {

// Bindings as an import leaves them, one per AOR (the last row of each, as successive puts
// would), each with the index of that row. Conflicts between rows of the import itself are
// found here, row by row as successive puts meet them: ImportError names the row.
std::vector<std::size_t> final_rows(const std::vector<Binding>& bindings) {
    std::unordered_map<std::string_view, std::size_t> row_of_aor;
    std::unordered_map<std::string_view, std::string_view> jids, numbers;  // -> AOR
    for (std::size_t i = 0; i < bindings.size(); ++i) {
        const auto& b = bindings[i];
        try {
            check_binding(b);
        } catch (const BindingError& e) {
            throw ImportError(i, e.what());
        }
        if (const auto earlier = row_of_aor.find(b.aor); earlier != row_of_aor.end()) {
            const auto& old = bindings[earlier->second];
            jids.erase(old.jid);
            for (const auto& n : old.numbers) numbers.erase(n.number);
        }
        if (const auto it = jids.find(b.jid); it != jids.end()) {
            throw ImportError(
                i, field_error("jid", b.jid, "already bound to " + quote_value(it->second)));
        }
        for (const auto& n : b.numbers) {
            if (const auto it = numbers.find(n.number); it != numbers.end()) {
                throw ImportError(i, field_error("number", n.number,
                                                 "already bound to " + quote_value(it->second)));
            }
        }
        jids.emplace(b.jid, b.aor);
        for (const auto& n : b.numbers) numbers.emplace(n.number, b.aor);
        row_of_aor[b.aor] = i;
    }
    std::vector<std::size_t> rows;
    rows.reserve(row_of_aor.size());
    for (const auto& [aor, row] : row_of_aor) rows.push_back(row);
    std::sort(rows.begin(), rows.end());
    return rows;
}

}  // namespace

// The import's rows are copied into temporary tables, checked against the bindings the import
// leaves alone, and written with three statements: a million rows in seconds, where a
// statement per row took minutes (each statement bumps the generation: pg_schema.cpp).
void PgStore::import(const std::vector<Binding>& bindings) {
    const auto rows = final_rows(bindings);
    if (rows.empty()) return;
    auto& c = db();
    Transaction tx(c, Transaction::Kind::write);
    // Other writers wait (readers do not), so nothing checked below changes before the writes.
    c.exec("LOCK TABLE bindings, numbers IN SHARE ROW EXCLUSIVE MODE");
    c.exec(
        "CREATE TEMP TABLE import_bindings (row_index bigint PRIMARY KEY, aor text NOT NULL, "
        "jid text NOT NULL, display_name text NOT NULL, verification text NOT NULL) "
        "ON COMMIT DROP; "
        "CREATE TEMP TABLE import_numbers (row_index bigint NOT NULL, position integer NOT NULL, "
        "number text NOT NULL, aor text NOT NULL, voice integer NOT NULL, video integer NOT NULL) "
        "ON COMMIT DROP");
    std::string line;
    c.copy_in("COPY import_bindings FROM STDIN", [&](const pg::Connection::CopySink& send) {
        for (const auto i : rows) {
            const auto& b = bindings[i];
            line = std::to_string(i);
            for (const auto* field : {&b.aor, &b.jid, &b.display_name}) {
                line += '\t';
                pg::copy_field(line, *field);
            }
            line += '\t';
            line += to_string(b.verification);
            line += '\n';
            send(line);
        }
    });
    c.copy_in("COPY import_numbers FROM STDIN", [&](const pg::Connection::CopySink& send) {
        for (const auto i : rows) {
            const auto& b = bindings[i];
            for (std::size_t p = 0; p < b.numbers.size(); ++p) {
                line = std::to_string(i) + '\t' + std::to_string(p) + '\t';
                pg::copy_field(line, b.numbers[p].number);
                line += '\t';
                pg::copy_field(line, b.aor);
                line += b.numbers[p].voice ? "\t1" : "\t0";
                line += b.numbers[p].video ? "\t1\n" : "\t0\n";
                send(line);
            }
        }
    });
    c.exec("ANALYZE import_bindings; ANALYZE import_numbers");
    // A JID or number held by a binding the import does not replace: the first row that
    // takes one is refused.
    const auto clash = c.query(
        "SELECT * FROM ("
        "(SELECT i.row_index, 'jid', i.jid, b.aor FROM import_bindings i "
        "JOIN bindings b ON b.jid = i.jid WHERE b.aor <> i.aor "
        "AND NOT EXISTS (SELECT 1 FROM import_bindings x WHERE x.aor = b.aor) "
        "ORDER BY i.row_index LIMIT 1) UNION ALL "
        "(SELECT i.row_index, 'number', i.number, n.aor FROM import_numbers i "
        "JOIN numbers n ON n.number = i.number WHERE n.aor <> i.aor "
        "AND NOT EXISTS (SELECT 1 FROM import_bindings x WHERE x.aor = n.aor) "
        "ORDER BY i.row_index LIMIT 1)) clashes ORDER BY 1 LIMIT 1");
    if (clash.rows() > 0) {
        throw ImportError(static_cast<std::size_t>(clash.integer(0, 0)),
                          field_error(clash.text(0, 1), clash.text(0, 2),
                                      "already bound to " + quote_value(clash.text(0, 3))));
    }
    c.query("DELETE FROM numbers WHERE aor IN (SELECT aor FROM import_bindings)");
    c.query(
        "INSERT INTO bindings (aor, jid, display_name, verification, updated_at) "
        "SELECT aor, jid, display_name, verification, ?1 FROM import_bindings ORDER BY row_index "
        "ON CONFLICT (aor) DO UPDATE SET jid = excluded.jid, "
        "display_name = excluded.display_name, verification = excluded.verification, "
        "updated_at = excluded.updated_at",
        {unix_now()});
    c.query(
        "INSERT INTO numbers (number, aor, voice, video) SELECT number, aor, voice, video "
        "FROM import_numbers ORDER BY row_index, position");
    tx.commit();
}

std::uint64_t PgStore::generation() {
    return static_cast<std::uint64_t>(db().query_int(sql::kGeneration));
}

std::vector<std::string> PgStore::changed_aors(std::uint64_t generation, std::size_t limit) {
    const auto r = db().query("SELECT DISTINCT aor FROM changes WHERE generation > ?1 LIMIT ?2",
                              {std::to_string(generation), std::to_string(limit + 1)});
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0));
    return out;
}

std::optional<BindingChanges> PgStore::changes_since(std::uint64_t generation, std::size_t limit) {
    LoadProblems problems;
    BindingChanges out;
    {
        // One snapshot: the generation, the log and the rows of one committed state.
        Transaction tx(db(), Transaction::Kind::read);
        auto& c = db();
        out.generation = this->generation();
        if (out.generation == generation) return out;
        if (out.generation < generation) return std::nullopt;  // another database, or restored
        // The log covers the gap when it still holds generation + 1 (pg_schema.cpp).
        const auto first = c.query("SELECT min(generation) FROM changes");
        if (first.is_null(0, 0) ||
            static_cast<std::uint64_t>(first.integer(0, 0)) > generation + 1) {
            return std::nullopt;
        }
        const auto aors = changed_aors(generation, limit);
        if (aors.size() > limit) return std::nullopt;
        // Three round trips however many changed, not two per AOR.
        std::unordered_map<std::string_view, std::size_t> position;
        out.changes.reserve(aors.size());
        for (const auto& aor : aors) {
            out.changes.push_back({aor, std::nullopt});
            position.emplace(out.changes.back().aor, out.changes.size() - 1);
        }
        // changes.back().aor moved nothing: reserve() above keeps the strings in place.
        // By the AORs as an array: index look-ups, where a sub-select of the log let the
        // planner scan every binding.
        std::string list = "{";
        for (const auto& aor : aors) {
            if (list.size() > 1) list += ',';
            list += '"';
            for (const char ch : aor) {
                if (ch == '"' || ch == '\\') list += '\\';
                list += ch;
            }
            list += '"';
        }
        list += '}';
        const auto b = c.query(
            "SELECT aor, jid, display_name, verification, updated_at FROM bindings "
            "WHERE aor = ANY (?1::text[])",
            {list});
        for (int i = 0; i < b.rows(); ++i) {
            const auto it = position.find(b.text(i, 0));
            if (it == position.end()) continue;
            out.changes[it->second].binding = binding_from(b, i, 0, problems);
        }
        const auto n = c.query(
            "SELECT aor, number, voice, video FROM numbers WHERE aor = ANY (?1::text[]) "
            "ORDER BY id",
            {list});
        for (int i = 0; i < n.rows(); ++i) {
            const auto it = position.find(n.text(i, 0));
            if (it == position.end() || !out.changes[it->second].binding) continue;
            if (auto number = number_from(n, i, 1, problems)) {
                out.changes[it->second].binding->numbers.push_back(std::move(*number));
            }
        }
        tx.commit();
    }
    problems.log();
    return out;
}

int PgStore::change_fd() {
    auto& c = db();
    if (!listening_) {
        c.exec((std::string("LISTEN ") + pg::kChangeChannel).c_str());
        listening_ = true;
    }
    return c.socket();
}

bool PgStore::take_change_notice() { return !db_ || db_->take_notifications(); }

}  // namespace cusax::store
