#include "shared/store/sqlite_handles.hpp"

#include <cstring>
#include <utility>

namespace cusax::store::sqlite {
namespace {

// SQLite reports a full disk met while writing the WAL as a plain "disk I/O error": the
// operating system's reason (ENOSPC: "No space left on device") is what tells the operator
// what to do, so it goes with every I/O error.
void append_os_reason(sqlite3* db, int code, std::string& text) {
    const int primary = code & 0xff;
    if (!db || (primary != SQLITE_IOERR && primary != SQLITE_FULL && primary != SQLITE_CANTOPEN))
        return;
    if (const int os_error = sqlite3_system_errno(db); os_error != 0) {
        text += " (";
        text += std::strerror(os_error);
        text += ")";
    }
}

// SQLite counts every allocation it makes under a process-wide mutex (SQLITE_CONFIG_MEMSTATUS,
// on by default) for statistics (sqlite3_memory_used, the soft heap limit) that nothing here
// uses: 15 % of the SQLite time of a 1,000,000-row import. It can only be turned off before
// SQLite initialises, so before the process's first connection; should something have opened
// one already, the call fails and changes nothing.
void stop_allocation_statistics() {
    static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    static_cast<void>(once);
}

}  // namespace

Database::Database(std::string path, bool read_only) : path_(std::move(path)) {
    stop_allocation_statistics();
    sqlite3* raw = nullptr;
    const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(path_.c_str(), &raw, flags, nullptr);
    db_.reset(raw);  // sqlite3_open_v2 hands out a handle even on failure; it must be closed
    if (rc != SQLITE_OK) {
        if (!raw) throw SqliteError(rc, path_ + ": cannot open: " + sqlite3_errstr(rc));
        fail(rc, "cannot open");
    }
    sqlite3_extended_result_codes(raw, 1);
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        const int code = sqlite3_extended_errcode(db_.get());
        append_os_reason(db_.get(), code, text);
        throw SqliteError(code, path_ + ": " + text);
    }
}

std::int64_t Database::query_int(const char* sql) {
    Statement s(*this, sql);
    if (!s.step()) throw SqliteError(SQLITE_ERROR, path_ + ": no result from: " + sql);
    return s.integer(0);
}

void Database::fail(int rc, std::string_view doing) const {
    std::string text = path_;
    text += ": ";
    text += doing;
    text += ": ";
    text += db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
    const int code = db_ ? sqlite3_extended_errcode(db_.get()) : rc;
    append_os_reason(db_.get(), code, text);
    throw SqliteError(code, text);
}

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    stmt_.reset(raw);
    if (rc != SQLITE_OK) db.fail(rc, "prepare");
}

void Statement::bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
}

void Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail(rc, "step");
}

void Statement::reset() {
    // The error of a failed step is reported by step(); reset only repeats it.
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::string_view Statement::text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    if (!p) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(stmt_.get(), column);
}

Transaction::Transaction(Database& db, Kind kind) : db_(db) {
    db_.exec(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
    if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    open_ = false;
}

}  // namespace cusax::store::sqlite
