// The users' vCard store in a SQLite file of its own ([xmpp-component] vcard_store = a path).
#include <filesystem>
#include <map>
#include <string>

#include "shared/store/sqlite_handles.hpp"
#include "shared/store/user_vcard_rows.hpp"
#include "shared/store/user_vcard_schema.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::store {
namespace {

namespace sql = store::sqlite;

// Connection settings (outside any transaction: journal_mode cannot change inside one), then
// the schema.
sql::Database open_file(const std::string& path, bool create) {
    if (!create && !std::filesystem::exists(path)) {
        throw StoreMissing(path +
                           ": no vCard store yet (the component creates it when the XMPP "
                           "server delegates vcard-temp to it)");
    }
    sql::Database db(path);
    const std::string settings =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=" +
        std::to_string(kUserVcardBusyWait.count());
    db.exec(settings.c_str());
    sql::migrate_user_vcard_schema(db);
    return db;
}

class SqliteVcardRows final : public VcardRows {
  public:
    SqliteVcardRows(const std::string& path, bool create) : db_(open_file(path, create)) {}

    std::vector<VcardRow> run(const char* text,
                              std::initializer_list<std::string_view> params) override {
        // Each statement is prepared once: callers pass the same few literals.
        auto& prepared = statements_[text];
        if (!prepared) prepared = std::make_unique<sql::Statement>(db_, text);
        sql::StatementUse s(*prepared);
        int index = 0;
        for (const auto p : params) s->bind(++index, p);
        std::vector<VcardRow> rows;
        while (s->step()) {
            auto& row = rows.emplace_back();
            for (int c = 0; c < s->columns(); ++c) row.emplace_back(s->text(c));
        }
        return rows;
    }

    void write_transaction(const std::function<void()>& body) override {
        sql::Transaction tx(db_, sql::Transaction::Kind::write);
        body();
        tx.commit();
    }

  private:
    sql::Database db_;
    std::map<const char*, std::unique_ptr<sql::Statement>> statements_;
};

}  // namespace

std::unique_ptr<VcardRows> open_sqlite_vcard_rows(const std::string& path, bool create) {
    return std::make_unique<SqliteVcardRows>(path, create);
}

}  // namespace cusax::store
