#pragma once
// What the bulk-import tests share: an import large enough to take SQLite's bulk path (more
// rows than the change log keeps), and the SQLite file read back as text to compare.
#include <string>
#include <vector>

#include "shared/store/sqlite_handles.hpp"
#include "store_test_support.hpp"

namespace cusax::store::test {

// `count` bindings (sip:un@x, un@x) with a number each (+1n); the default is 80,000 log rows row
// by row, more than the 65,536 kept. Another `prefix` and `country` give a second set that
// shares no key with the first.
inline std::vector<Binding> bulk(std::size_t count = 40'000, const std::string& prefix = "u",
                                 const std::string& country = "+1") {
    std::vector<Binding> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto n = std::to_string(i);
        out.push_back(binding("sip:" + prefix + n + "@x", prefix + n + "@x", {{country + n}}));
    }
    return out;
}

// Every row `query` returns, one line each, columns separated by '|'.
inline std::string rows_text(sqlite::Database& db, const char* query) {
    sqlite::Statement s(db, query);
    std::string out;
    while (s.step()) {
        for (int c = 0; c < s.columns(); ++c) {
            out += std::string(s.text(c));
            out += c + 1 < s.columns() ? "|" : "\n";
        }
    }
    return out;
}

// The SQL of SQLite's triggers, one after the other, as stored in the file.
inline std::string trigger_sql(const std::string& path) {
    sqlite::Database db(path);
    return rows_text(db,
                     "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name");
}

// The whole SQLite store as text: its schema (tables, indexes, triggers) and version, and every
// row of every table, so that two states compare equal only when nothing differs.
inline std::string store_text(const std::string& path) {
    sqlite::Database db(path);
    return rows_text(db, "PRAGMA user_version") +
           rows_text(db,
                     "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name") +
           rows_text(db, "SELECT * FROM bindings ORDER BY aor") +
           rows_text(db, "SELECT * FROM numbers ORDER BY number") +
           rows_text(db, "SELECT * FROM generation") +
           rows_text(db, "SELECT * FROM changes ORDER BY seq");
}

}  // namespace cusax::store::test
