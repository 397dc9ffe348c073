#include "shared/store/pg_handles.hpp"

#include <charconv>
#include <cstdlib>
#include <utility>
#include <vector>

namespace cusax::store::pg {
namespace {

// libpq's messages end in a newline and may carry DETAIL/HINT lines: one line for our logs.
std::string one_line(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') {
            out += "; ";
        } else {
            out += c;
        }
    }
    while (out.size() >= 2 && out.compare(out.size() - 2, 2, "; ") == 0) out.resize(out.size() - 2);
    return out;
}

struct ConnectionOption {
    const char* keyword;
    const char* value;
    const char* environment;  // the variable that would set it instead; nullptr: none
};

// Without these a watcher whose server vanished behind a cut network waits for the kernel's
// TCP time-outs (minutes) before it can say so; with them, about half a minute at most.
constexpr ConnectionOption kDefaults[] = {
    {"connect_timeout", "5", "PGCONNECT_TIMEOUT"}, {"keepalives_idle", "10", nullptr},
    {"keepalives_interval", "5", nullptr},         {"keepalives_count", "3", nullptr},
    {"tcp_user_timeout", "10000", nullptr},        {"application_name", "cusax", "PGAPPNAME"},
};

bool names_a_service(const std::string& conninfo) {
    if (std::getenv("PGSERVICE")) return true;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    PQfreemem(error);
    if (!options) return false;
    bool service = false;
    for (auto* o = options; o->keyword; ++o) {
        if (std::string_view(o->keyword) == "service" && o->val && *o->val) service = true;
    }
    PQconninfoFree(options);
    return service;
}

// What a connected PGconn reaches, from libpq itself (the conninfo and the environment
// resolved): never the password.
std::string describe(PGconn* c) {
    std::string out = "postgresql";
    const auto add = [&](const char* key, const char* value) {
        if (value && *value) out += std::string(" ") + key + "=" + value;
    };
    add("host", PQhost(c));
    add("port", PQport(c));
    add("dbname", PQdb(c));
    add("user", PQuser(c));
    return out;
}

// "?1" as the shared SQL writes a parameter becomes PostgreSQL's "$1". The shared statements
// hold no '?' in a literal, so no quoting needs to be followed.
std::string with_dollar_parameters(std::string_view sql) {
    std::string out(sql);
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
        if (out[i] == '?' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '$';
    }
    return out;
}

}  // namespace

std::string describe_conninfo(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    PQfreemem(error);
    // Unreadable: say so without repeating it (it may hold a password).
    if (!options) return "postgresql (conninfo not readable)";
    std::string out = "postgresql";
    for (auto* o = options; o->keyword; ++o) {
        const std::string_view key = o->keyword;
        if (!o->val || !*o->val) continue;
        if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" ||
            key == "user" || key == "service") {
            out += " " + std::string(key) + "=" + o->val;
        }
    }
    PQconninfoFree(options);
    return out;
}

std::string_view Result::text(int row, int column) const {
    return {PQgetvalue(r_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
}

std::int64_t Result::integer(int row, int column) const {
    const auto value = text(row, column);
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc() || end != value.data() + value.size()) {
        throw StoreError("postgresql: not an integer: " + std::string(value.substr(0, 40)));
    }
    return out;
}

std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(r_.get());
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

Connection::Connection(const std::string& conninfo) : name_(describe_conninfo(conninfo)) {
    std::vector<const char*> keys;
    std::vector<const char*> values;
    // A service file's settings only fill what is not set yet: ours would hide them.
    if (!names_a_service(conninfo)) {
        for (const auto& option : kDefaults) {
            if (option.environment && std::getenv(option.environment)) continue;
            keys.push_back(option.keyword);
            values.push_back(option.value);
        }
    }
    // Last, so that what the operator wrote overrides the defaults above (libpq keeps the last
    // value of a key; expand_dbname reads a whole conninfo given as dbname).
    keys.push_back("dbname");
    values.push_back(conninfo.c_str());
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(PQconnectdbParams(keys.data(), values.data(), 1));
    if (!conn_) throw PgError("", "", name_ + ": cannot connect: out of memory", true);
    if (PQstatus(conn_.get()) != CONNECTION_OK) fail("cannot connect");
    name_ = describe(conn_.get());
    // Notices (a migration's "already exists", ...) are not ours to print on stderr.
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
}

void Connection::fail(std::string_view doing, const PGresult* result) const {
    std::string state, constraint, message;
    if (result) {
        const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        const char* c = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
        const char* m = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        state = s ? s : "";
        constraint = c ? c : "";
        if (m) message = m;
    }
    if (message.empty()) message = one_line(PQerrorMessage(conn_.get()));
    if (message.empty()) message = "unknown error";
    throw PgError(state, constraint, name_ + ": " + std::string(doing) + ": " + message,
                  PQstatus(conn_.get()) != CONNECTION_OK);
}

Result Connection::checked(PGresult* raw, std::string_view doing) {
    Result result(raw);
    const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(doing, raw);
    return result;
}

void Connection::exec(const char* sql) { checked(PQexec(conn_.get(), sql), "exec"); }

Result Connection::query(std::string_view sql,
                         std::initializer_list<std::optional<std::string_view>> params) {
    return query(sql, std::span(params.begin(), params.size()));
}

Result Connection::query(std::string_view sql,
                         std::span<const std::optional<std::string_view>> params) {
    // libpq wants NUL-terminated values.
    std::vector<std::string> owned;
    owned.reserve(params.size());
    std::vector<const char*> values;
    for (const auto& p : params) {
        if (p) {
            owned.emplace_back(*p);
            values.push_back(owned.back().c_str());
        } else {
            values.push_back(nullptr);
        }
    }
    const auto text = with_dollar_parameters(sql);
    return checked(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0),
                   "query");
}

std::int64_t Connection::query_int(std::string_view sql,
                                   std::initializer_list<std::optional<std::string_view>> params) {
    const auto result = query(sql, params);
    if (result.rows() < 1 || result.is_null(0, 0)) {
        throw PgError("", "", name_ + ": no result from: " + std::string(sql.substr(0, 80)));
    }
    return result.integer(0, 0);
}

void Connection::copy_in(const char* copy_sql,
                         const std::function<void(const CopySink&)>& write_rows) {
    {
        Result start(PQexec(conn_.get(), copy_sql));
        if (PQresultStatus(start.get()) != PGRES_COPY_IN) fail("copy", start.get());
    }
    // Rows are sent in chunks: one PQputCopyData per row costs a call and a check each.
    std::string chunk;
    const auto flush = [&] {
        if (!chunk.empty() &&
            PQputCopyData(conn_.get(), chunk.data(), static_cast<int>(chunk.size())) != 1) {
            fail("copy");
        }
        chunk.clear();
    };
    try {
        write_rows([&](std::string_view line) {
            chunk += line;
            if (chunk.size() >= 256 * 1024) flush();
        });
        flush();
    } catch (...) {
        // Ends the COPY with an error so that the connection is usable again; the caller's
        // transaction rolls back.
        PQputCopyEnd(conn_.get(), "cancelled by cusax");
        while (PGresult* r = PQgetResult(conn_.get())) PQclear(r);
        throw;
    }
    if (PQputCopyEnd(conn_.get(), nullptr) != 1) fail("copy");
    std::optional<PgError> error;
    while (PGresult* r = PQgetResult(conn_.get())) {
        Result result(r);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !error) {
            try {
                fail("copy", r);
            } catch (const PgError& e) {
                error = e;
            }
        }
    }
    if (error) throw *error;
}

void Connection::copy_out(const char* copy_sql, const std::function<void(std::string_view)>& row) {
    {
        Result start(PQexec(conn_.get(), copy_sql));
        if (PQresultStatus(start.get()) != PGRES_COPY_OUT) fail("copy", start.get());
    }
    std::exception_ptr failed;
    while (true) {
        char* buffer = nullptr;
        const int length = PQgetCopyData(conn_.get(), &buffer, 0);
        if (length == -1) break;
        if (length < 0) fail("copy");
        std::string_view line(buffer, static_cast<std::size_t>(length));
        if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
        // After a failure the rest is read and dropped: the connection must reach the end of
        // the COPY to be usable again.
        if (!failed) {
            try {
                row(line);
            } catch (...) {
                failed = std::current_exception();
            }
        }
        PQfreemem(buffer);
    }
    std::optional<PgError> error;
    while (PGresult* r = PQgetResult(conn_.get())) {
        Result result(r);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !error) {
            try {
                fail("copy", r);
            } catch (const PgError& e) {
                error = e;
            }
        }
    }
    if (failed) std::rethrow_exception(failed);
    if (error) throw *error;
}

bool Connection::usable() {
    // The server's goodbye (an error message, taken as a notice while idle) and the end of
    // file come in two reads; libpq marks the connection bad on the second. Neither waits.
    for (int read = 0; read < 2 && alive(); ++read) PQconsumeInput(conn_.get());
    return alive();
}

bool Connection::take_notifications() {
    if (PQconsumeInput(conn_.get()) == 0) return true;
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_.get())) {
        any = true;
        PQfreemem(n);
    }
    return any;
}

void copy_field(std::string& line, std::string_view value) {
    for (const char c : value) {
        switch (c) {
            case '\\':
                line += "\\\\";
                break;
            case '\t':
                line += "\\t";
                break;
            case '\n':
                line += "\\n";
                break;
            case '\r':
                line += "\\r";
                break;
            default:
                line += c;
        }
    }
}

void copy_fields(std::string_view line, std::vector<std::string>& out) {
    // The strings are reused from line to line: a full load reads a million of them.
    std::size_t field = 0;
    const auto next = [&] {
        if (field == out.size()) out.emplace_back();
        out[field].clear();
    };
    next();
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\t') {
            ++field;
            next();
        } else if (c == '\\' && i + 1 < line.size()) {
            const char e = line[++i];
            switch (e) {
                case 't':
                    out[field] += '\t';
                    break;
                case 'n':
                    out[field] += '\n';
                    break;
                case 'r':
                    out[field] += '\r';
                    break;
                case 'N':
                    break;  // NULL: none of the columns read this way may be NULL
                default:
                    out[field] += e;
            }
        } else {
            out[field] += c;
        }
    }
    out.resize(field + 1);
}

Transaction::Transaction(Connection& db, Kind kind) : db_(db) {
    db_.exec(kind == Kind::write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    db_.in_transaction_ = true;
}

Transaction::~Transaction() {
    db_.in_transaction_ = false;
    if (open_ && db_.alive()) PQclear(PQexec(db_.get(), "ROLLBACK"));
}

void Transaction::commit() {
    open_ = false;
    db_.in_transaction_ = false;
    db_.exec("COMMIT");
}

}  // namespace cusax::store::pg
