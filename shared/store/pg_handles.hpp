#pragma once
// Owning wrappers for libpq's handles (PGconn*, PGresult*): the only place that connects,
// runs a command or copies rows. Every failure becomes a PgError that names the server and
// database, never the password.
#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/binding_store.hpp"

namespace cusax::store::pg {

// A failed libpq call. `sqlstate` is PostgreSQL's five-character code ("23505" for a unique
// violation), empty when the server never answered (connection refused or lost).
struct PgError : StoreError {
    PgError(std::string state, std::string constraint_name, const std::string& what,
            bool connection_gone = false)
        : StoreError(what),
          sqlstate(std::move(state)),
          constraint(std::move(constraint_name)),
          gone(connection_gone) {}
    bool is_unique_violation() const { return sqlstate == "23505"; }
    // No connection (refused, timed out, lost), or the server ended it: class 08 (connection
    // exception), 57P01-57P03 (shut down, crashed, not accepting connections yet).
    bool unreachable() const noexcept override {
        return gone || sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
               sqlstate == "57P03";
    }
    std::string sqlstate;
    std::string constraint;  // the constraint a violation broke, when the server named one
    bool gone;               // the connection was not usable when the call failed
};

// What a conninfo names, for messages and logs: "postgresql host=... port=... dbname=...",
// without the password or any other key that could hold a secret.
std::string describe_conninfo(const std::string& conninfo);

// One command's rows; values are read as text.
class Result {
  public:
    explicit Result(PGresult* r) : r_(r) {}
    int rows() const { return PQntuples(r_.get()); }
    std::string_view text(int row, int column) const;
    std::int64_t integer(int row, int column) const;
    bool is_null(int row, int column) const { return PQgetisnull(r_.get(), row, column) != 0; }
    // Rows an INSERT/UPDATE/DELETE changed.
    std::int64_t affected() const;
    PGresult* get() const { return r_.get(); }

  private:
    struct Clear {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    std::unique_ptr<PGresult, Clear> r_;
};

class Connection {
  public:
    // Connects with a libpq connection string: libpq's own syntax, its environment (PGHOST,
    // PGSERVICE, PGPASSFILE, ...) and its service and password files. Bounded defaults for
    // connect and TCP time-outs come first, so the conninfo or the environment can override
    // them. Throws PgError.
    explicit Connection(const std::string& conninfo);

    PGconn* get() const { return conn_.get(); }
    // "postgresql host=... port=... dbname=...": for messages.
    const std::string& name() const { return name_; }
    // false once the server went away; every later command fails until a new connection.
    bool alive() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
    // Whether a Transaction on this connection is open: a caller that makes a new connection
    // when this one died must not do so then (the transaction refers to this one).
    bool in_transaction() const { return in_transaction_; }
    // Reads what the server sent meanwhile, without waiting, and says whether the connection
    // is still up. A server that was stopped or restarted since the last command ended the
    // connection (saying so, then closing it), which only reading shows: asked before a
    // command, this spares a long-lived connection's first command after a restart from
    // failing. Notifications read stay queued for take_notifications().
    bool usable();

    // Runs one or more commands without parameters (simple protocol).
    void exec(const char* sql);
    // Runs one command; parameters are written ?1, ?2 ... as in the SQL both engines share
    // (store_sql.hpp), nullopt is NULL.
    Result query(std::string_view sql,
                 std::initializer_list<std::optional<std::string_view>> params = {});
    Result query(std::string_view sql, std::span<const std::optional<std::string_view>> params);
    std::int64_t query_int(std::string_view sql,
                           std::initializer_list<std::optional<std::string_view>> params = {});

    // COPY ... FROM STDIN: `write_rows` calls the given sink with text-format lines (each
    // ending in '\n'; see copy_field()). Throws PgError when the server refuses a row.
    using CopySink = std::function<void(std::string_view)>;
    void copy_in(const char* copy_sql, const std::function<void(const CopySink&)>& write_rows);
    // COPY ... TO STDOUT in text format: one call per row line (without its '\n').
    void copy_out(const char* copy_sql, const std::function<void(std::string_view)>& row);

    // The socket to wait on for notifications; -1 when the connection is gone.
    int socket() const { return PQsocket(conn_.get()); }
    // Reads whatever the server sent and drops the notifications it held. True when there was
    // at least one, or when the connection failed (the caller's next command then says why).
    bool take_notifications();

    [[noreturn]] void fail(std::string_view doing, const PGresult* result = nullptr) const;

  private:
    friend class Transaction;
    struct Finish {
        void operator()(PGconn* c) const { PQfinish(c); }
    };
    Result checked(PGresult* result, std::string_view doing);
    std::string name_;
    std::unique_ptr<PGconn, Finish> conn_;
    bool in_transaction_ = false;
};

// Appends `value` to a COPY text-format line, escaped (backslash, tab, newline, CR).
void copy_field(std::string& line, std::string_view value);
// Splits a COPY text-format line into its fields, unescaped. \N (NULL) reads as "".
void copy_fields(std::string_view line, std::vector<std::string>& out);

// BEGIN on construction, ROLLBACK on destruction unless commit() ran (or the connection is
// gone, when the server has rolled it back already).
class Transaction {
  public:
    enum class Kind { read, write };
    // A read sees one committed state throughout (REPEATABLE READ), as SQLite's does.
    Transaction(Connection& db, Kind kind);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Connection& db_;
    bool open_ = true;
};

}  // namespace cusax::store::pg
