#pragma once
// The users' vCard store's connection to its database, as user_vcard_store.cpp uses it on
// either engine: the same plain SQL (parameters ?1, ?2 ..., every value text) run on a SQLite
// file (user_vcard_sqlite.cpp) or on a PostgreSQL database (user_vcard_pg.cpp). What differs
// between the two (opening, the schema and its numbered migrations, reconnecting) stays behind
// this interface. Not thread-safe, like a BindingStore.
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::store {

using VcardRow = std::vector<std::string>;

class VcardRows {
  public:
    virtual ~VcardRows() = default;

    // Runs one statement; the rows it returns, every column as text. Throws StoreError.
    virtual std::vector<VcardRow> run(const char* sql,
                                      std::initializer_list<std::string_view> params) = 0;
    // Runs `body` (calls of run()) in one write transaction: every statement or, when body
    // throws, none. Throws StoreError.
    virtual void write_transaction(const std::function<void()>& body) = 0;
};

// Both open the store, creating it (create: true) or, when there is none yet, throwing
// StoreMissing; then bring its schema up to this program's version. Throw StoreError naming
// the file or the server.
std::unique_ptr<VcardRows> open_sqlite_vcard_rows(const std::string& path, bool create);
std::unique_ptr<VcardRows> open_pg_vcard_rows(const std::string& conninfo, bool create);

}  // namespace cusax::store
