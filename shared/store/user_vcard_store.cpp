#include "shared/store/user_vcard_store.hpp"

#include <ctime>

#include "shared/store/sqlite_handles.hpp"
#include "shared/store/user_vcard_schema.hpp"

namespace cusax::store {

namespace sql = store::sqlite;

namespace {

// listed_sip is stored as one space-separated text: AORs never contain a space
// (address::normalise_aor refuses one).
std::string join(const std::vector<std::string>& uris) {
    std::string out;
    for (const auto& u : uris) out += (out.empty() ? "" : " ") + u;
    return out;
}

std::vector<std::string> split(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const auto space = text.find(' ');
        if (space != 0) out.emplace_back(text.substr(0, space));
        if (space == std::string_view::npos) break;
        text.remove_prefix(space + 1);
    }
    return out;
}

// Connection settings (outside any transaction: journal_mode cannot change inside one), then
// the schema.
bool open_schema(sql::Database& db) {
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000");
    sql::migrate_user_vcard_schema(db);
    return true;
}

}  // namespace

struct UserVcardStore::Impl {
    explicit Impl(const std::string& path)
        : db(path),
          ready(open_schema(db)),
          select(db, "SELECT vcard, listed_sip FROM vcards WHERE jid = ?1"),
          upsert(db,
                 "INSERT INTO vcards (jid, vcard, updated_at, listed_sip) VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT(jid) DO UPDATE SET vcard = excluded.vcard, "
                 "updated_at = excluded.updated_at, listed_sip = excluded.listed_sip"),
          select_shown(db, "SELECT value FROM shown_values WHERE jid = ?1 ORDER BY value"),
          insert_shown(db,
                       "INSERT INTO shown_values (jid, value) VALUES (?1, ?2) "
                       "ON CONFLICT (jid, value) DO NOTHING"),
          delete_shown(db, "DELETE FROM shown_values WHERE jid = ?1") {}

    void insert(std::string_view jid, const std::vector<std::string>& values) {
        for (const auto& v : values) {
            sql::StatementUse s(insert_shown);
            s->bind(1, jid);
            s->bind(2, v);
            s->step();
        }
    }

    sql::Database db;
    bool ready;
    sql::Statement select;
    sql::Statement upsert;
    sql::Statement select_shown;
    sql::Statement insert_shown;
    sql::Statement delete_shown;
};

UserVcardStore::UserVcardStore(const std::string& path) : impl_(std::make_unique<Impl>(path)) {}
UserVcardStore::~UserVcardStore() = default;

std::optional<UserVcard> UserVcardStore::get(std::string_view bare_jid) {
    sql::StatementUse s(impl_->select);
    s->bind(1, bare_jid);
    if (!s->step()) return std::nullopt;
    return UserVcard{std::string(s->text(0)), split(s->text(1))};
}

void UserVcardStore::put(std::string_view bare_jid, const UserVcard& vcard) {
    sql::StatementUse s(impl_->upsert);
    s->bind(1, bare_jid);
    s->bind(2, vcard.xml);
    s->bind(3, static_cast<std::int64_t>(std::time(nullptr)));
    s->bind(4, join(vcard.listed_sip));
    s->step();
}

void UserVcardStore::put_all(const std::vector<std::pair<std::string, UserVcard>>& vcards) {
    sql::Transaction tx(impl_->db, sql::Transaction::Kind::write);
    for (const auto& [jid, vcard] : vcards) put(jid, vcard);
    tx.commit();
}

void UserVcardStore::put_set(std::string_view bare_jid, const UserVcard& vcard,
                             const std::vector<std::string>& shown) {
    sql::Transaction tx(impl_->db, sql::Transaction::Kind::write);
    put(bare_jid, vcard);
    {
        sql::StatementUse s(impl_->delete_shown);
        s->bind(1, bare_jid);
        s->step();
    }
    impl_->insert(bare_jid, shown);
    tx.commit();
}

std::vector<std::string> UserVcardStore::shown(std::string_view bare_jid) {
    sql::StatementUse s(impl_->select_shown);
    s->bind(1, bare_jid);
    std::vector<std::string> out;
    while (s->step()) out.emplace_back(s->text(0));
    return out;
}

void UserVcardStore::add_shown(std::string_view bare_jid, const std::vector<std::string>& values) {
    if (values.empty()) return;
    sql::Transaction tx(impl_->db, sql::Transaction::Kind::write);
    impl_->insert(bare_jid, values);
    tx.commit();
}

}  // namespace cusax::store
