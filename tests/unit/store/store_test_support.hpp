#pragma once
// Helpers shared by the store tests: a temporary directory and a store opened in it, on
// either engine (a PostgreSQL of the test's own, postgres_server.hpp).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "postgres_server.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/store/pg_handles.hpp"
#include "shared/store/sqlite_handles.hpp"

namespace cusax::store::test {

class TempDir {
  public:
    TempDir() {
        std::string pattern = "/tmp/cusax-store-XXXXXX";
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

inline StoreSettings sqlite_settings(const std::string& path) {
    StoreSettings s;
    s.backend = "sqlite";
    s.path = path;
    return s;
}

// A binding as the store would hold it, built without make_binding so that store tests do
// not depend on the address normalisers.
inline Binding binding(std::string aor, std::string jid, std::vector<PhoneNumber> numbers = {},
                       Verification v = Verification::Unverified, std::string name = "") {
    Binding b;
    b.aor = std::move(aor);
    b.jid = std::move(jid);
    b.display_name = std::move(name);
    b.numbers = std::move(numbers);
    b.verification = v;
    return b;
}

// Runs SQL on the file through a connection of its own, as a sqlite3 shell would.
inline void raw_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("raw sql failed: " + message);
}

// The engines every store test runs against.
enum class Engine { sqlite, postgresql };

inline std::string engine_name(const ::testing::TestParamInfo<Engine>& info) {
    return info.param == Engine::sqlite ? "sqlite" : "postgresql";
}

inline auto all_engines() { return ::testing::Values(Engine::sqlite, Engine::postgresql); }

// A store of the test's own: a file in a temporary directory, or a new database on this
// process's PostgreSQL.
class StoreTarget {
  public:
    explicit StoreTarget(Engine engine) : engine_(engine) {
        if (engine_ == Engine::sqlite) {
            path_ = dir_.file("bindings.db");
        } else {
            conninfo_ = PostgresServer::shared().create_database();
            database_ = conninfo_.substr(conninfo_.find("dbname=") + 7);
            database_ = database_.substr(0, database_.find(' '));
        }
    }

    Engine engine() const { return engine_; }
    StoreSettings settings(bool read_only = false) const {
        StoreSettings s;
        s.backend = engine_ == Engine::sqlite ? "sqlite" : "postgresql";
        s.path = path_;
        s.conninfo = conninfo_;
        s.read_only = read_only;
        return s;
    }
    // Runs SQL through a connection of its own, as a sqlite3 or psql shell would; the text
    // for the engine under test.
    void sql(const std::string& sqlite_text, const std::string& postgresql_text) const {
        if (engine_ == Engine::sqlite) {
            raw_sql(path_, sqlite_text);
        } else {
            PostgresServer::shared().sql(database_, postgresql_text);
        }
    }
    void sql(const std::string& text) const { sql(text, text); }
    // The first column of the first row of `query` (a count), through a connection of its own.
    std::int64_t query_int(const std::string& query) const {
        if (engine_ == Engine::sqlite) return sqlite::Database(path_).query_int(query.c_str());
        return pg::Connection(conninfo_).query_int(query);
    }
    const std::string& path() const { return path_; }
    const TempDir& dir() const { return dir_; }

  private:
    Engine engine_;
    TempDir dir_;
    std::string path_;
    std::string conninfo_;
    std::string database_;
};

// The bindings with updated_at cleared, for comparisons that ignore when they were written.
inline std::vector<Binding> without_times(std::vector<Binding> all) {
    for (auto& b : all) b.updated_at = 0;
    return all;
}

}  // namespace cusax::store::test
