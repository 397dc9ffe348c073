// The users' vCard store in the PostgreSQL database of [store] ([xmpp-component] vcard_store =
// postgresql): tables of their own beside the bindings', so that every component instance on
// every host reads and writes the same vCards.
#include <optional>
#include <string>

#include "shared/store/pg_handles.hpp"
#include "shared/store/pg_user_vcard_schema.hpp"
#include "shared/store/user_vcard_rows.hpp"
#include "shared/store/user_vcard_store.hpp"

namespace cusax::store {
namespace {

class PgVcardRows final : public VcardRows {
  public:
    PgVcardRows(const std::string& conninfo, bool create) : conninfo_(conninfo) {
        auto& c = db();
        if (!create && !pg::has_user_vcard_store(c)) {
            throw StoreMissing(c.name() +
                               ": no vCard store yet (the component creates it when the XMPP "
                               "server delegates vcard-temp to it)");
        }
        pg::migrate_user_vcard_schema(c);
    }

    std::vector<VcardRow> run(const char* sql,
                              std::initializer_list<std::string_view> params) override {
        std::vector<std::optional<std::string_view>> values(params.begin(), params.end());
        const auto result = db().query(sql, values);
        std::vector<VcardRow> rows(static_cast<std::size_t>(result.rows()));
        const int columns = PQnfields(result.get());
        for (int r = 0; r < result.rows(); ++r) {
            for (int c = 0; c < columns; ++c) {
                rows[static_cast<std::size_t>(r)].emplace_back(result.text(r, c));
            }
        }
        return rows;
    }

    void write_transaction(const std::function<void()>& body) override {
        pg::Transaction tx(db(), pg::Transaction::Kind::write);
        body();
        tx.commit();
    }

  private:
    // Made again before a command when the server ended the last one (usable(): a restart
    // since the last call shows only by reading) or it failed: the component's next request
    // after the database is back finds it working, with no restart of its own. While the
    // server stays away each call fails at once or within libpq's connect_timeout
    // (pg_handles.cpp), as a StoreError whose unreachable() says so. Not inside a
    // transaction, which refers to the connection it began on: its next command fails on the
    // dead one instead.
    pg::Connection& db() {
        if (!db_ || (!db_->in_transaction() && !db_->usable())) {
            db_.reset();
            db_ = std::make_unique<pg::Connection>(conninfo_);
            // A write waits for another session's lock (an operator's open transaction, an
            // import) as long as the SQLite file's busy wait, not for as long as it is held:
            // the component's SIGTERM drain counts on a call returning within it (main.cpp).
            const std::string wait =
                "SET lock_timeout = " + std::to_string(kUserVcardBusyWait.count());
            db_->exec(wait.c_str());
        }
        return *db_;
    }

    std::string conninfo_;
    std::unique_ptr<pg::Connection> db_;
};

}  // namespace

std::unique_ptr<VcardRows> open_pg_vcard_rows(const std::string& conninfo, bool create) {
    return std::make_unique<PgVcardRows>(conninfo, create);
}

}  // namespace cusax::store
