#include "shared/store/user_vcard_store.hpp"

#include <ctime>

#include "shared/store/sqlite_handles.hpp"

namespace cusax::store {

namespace sql = store::sqlite;

namespace {

// Files written before listed_sip existed have the first three columns; their rows count as
// listing nothing until the user sets their vCard again (the XML they hold lacks the TELs the
// component guaranteed, so the listing cannot be recovered from it).
void create_or_upgrade(sql::Database& db) {
    db.exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        "CREATE TABLE IF NOT EXISTS vcards (jid TEXT PRIMARY KEY NOT NULL,"
        " vcard TEXT NOT NULL, updated_at INTEGER NOT NULL,"
        " listed_sip TEXT NOT NULL DEFAULT '')");
    if (db.query_int("SELECT count(*) FROM pragma_table_info('vcards') "
                     "WHERE name = 'listed_sip'") == 0) {
        db.exec("ALTER TABLE vcards ADD COLUMN listed_sip TEXT NOT NULL DEFAULT ''");
    }
}

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

}  // namespace

struct UserVcardStore::Impl {
    explicit Impl(const std::string& path)
        : db(path),
          ready((create_or_upgrade(db), true)),
          select(db, "SELECT vcard, listed_sip FROM vcards WHERE jid = ?1"),
          upsert(db,
                 "INSERT INTO vcards (jid, vcard, updated_at, listed_sip) VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT(jid) DO UPDATE SET vcard = excluded.vcard, "
                 "updated_at = excluded.updated_at, listed_sip = excluded.listed_sip") {}
    sql::Database db;
    bool ready;
    sql::Statement select;
    sql::Statement upsert;
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

}  // namespace cusax::store
