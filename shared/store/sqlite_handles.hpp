#pragma once
// Owning wrappers for SQLite's C handles (sqlite3*, sqlite3_stmt*): the only place that
// opens, closes, prepares or finalizes one. Every failure becomes a SqliteError.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "shared/store/binding_store.hpp"

namespace cusax::store::sqlite {

// A failed SQLite call; `code` is the extended result code (SQLITE_CONSTRAINT_UNIQUE, ...).
struct SqliteError : StoreError {
    SqliteError(int result_code, const std::string& what) : StoreError(what), code(result_code) {}
    bool is_constraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }
    int code;
};

class Database {
  public:
    // Opens the file read-write, creating it when missing; or read-only, never creating it.
    // Throws SqliteError naming the path.
    explicit Database(std::string path, bool read_only = false);

    sqlite3* get() const { return db_.get(); }
    const std::string& path() const { return path_; }

    // Runs one or more statements that return no rows.
    void exec(const char* sql);
    // The first column of the first row of `sql` (a PRAGMA, a count).
    std::int64_t query_int(const char* sql);
    // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    int changes() const { return sqlite3_changes(db_.get()); }

    // Throws SqliteError for `rc`, with this connection's message: "<path>: <doing>: <msg>".
    [[noreturn]] void fail(int rc, std::string_view doing) const;

  private:
    struct Close {
        void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
    };
    std::string path_;
    std::unique_ptr<sqlite3, Close> db_;
};

// A prepared statement, prepared once and run many times (reset() between runs).
class Statement {
  public:
    Statement(Database& db, std::string_view sql);

    // Parameters are 1-based, as in SQL "?1". Text is copied, so temporaries are fine.
    void bind(int index, std::string_view text);
    void bind(int index, std::int64_t value);
    // true: a row is ready to read; false: done. Throws SqliteError (constraints included).
    bool step();
    // Ready to run again, parameters cleared; ends any read the statement held open.
    void reset();

    std::string_view text(int column) const;
    std::int64_t integer(int column) const;
    // Columns of the statement's rows.
    int columns() const { return sqlite3_column_count(stmt_.get()); }

  private:
    struct Finalize {
        void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
    };
    Database* db_;
    std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// Resets a reused statement when its use ends, however it ends: a statement left mid-result
// would keep a read transaction open and pin the WAL.
class StatementUse {
  public:
    explicit StatementUse(Statement& s) : s_(s) {}
    ~StatementUse() { s_.reset(); }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    Statement* operator->() const { return &s_; }
    Statement& operator*() const { return s_; }

  private:
    Statement& s_;
};

// BEGIN on construction, ROLLBACK on destruction unless commit() ran.
class Transaction {
  public:
    enum class Kind { read, write };
    // A write transaction takes the write lock at once (BEGIN IMMEDIATE), so it waits for
    // busy_timeout up front instead of failing half-way when a reader upgrades.
    Transaction(Database& db, Kind kind);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

  private:
    Database& db_;
    bool open_ = true;
};

}  // namespace cusax::store::sqlite
