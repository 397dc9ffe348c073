#include "shared/store/user_vcard_store.hpp"

#include <chrono>

#include "shared/store/user_vcard_rows.hpp"

namespace cusax::store {

namespace {

// The statements both engines run as written (user_vcard_rows.hpp).
constexpr const char* kSelectVcard = "SELECT vcard, listed_sip FROM vcards WHERE jid = ?1";
constexpr const char* kUpsertVcard =
    "INSERT INTO vcards (jid, vcard, updated_at, listed_sip) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (jid) DO UPDATE SET vcard = excluded.vcard, "
    "updated_at = excluded.updated_at, listed_sip = excluded.listed_sip";
constexpr const char* kSelectShown = "SELECT value FROM shown_values WHERE jid = ?1 ORDER BY value";
constexpr const char* kInsertShown =
    "INSERT INTO shown_values (jid, value) VALUES (?1, ?2) ON CONFLICT (jid, value) DO NOTHING";
constexpr const char* kDeleteShown = "DELETE FROM shown_values WHERE jid = ?1";

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

std::string unix_now() {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

void insert_shown(VcardRows& rows, std::string_view jid, const std::vector<std::string>& values) {
    for (const auto& v : values) rows.run(kInsertShown, {jid, v});
}

}  // namespace

StoreSettings user_vcard_location(const std::string& vcard_store, const StoreSettings& bindings) {
    StoreSettings where;
    if (vcard_store != kVcardsInStoreDatabase) {
        where.backend = "sqlite";
        where.path = vcard_store;
        return where;
    }
    if (bindings.backend != "postgresql") {
        throw StoreError(
            "vcard_store = postgresql keeps the users' vCards in the PostgreSQL "
            "database of [store], whose backend is " +
            bindings.backend);
    }
    where.backend = "postgresql";
    where.conninfo = bindings.conninfo;
    return where;
}

UserVcardStore::UserVcardStore(const StoreSettings& where, bool create)
    : rows_(where.backend == "postgresql" ? open_pg_vcard_rows(where.conninfo, create)
                                          : open_sqlite_vcard_rows(where.path, create)) {}

UserVcardStore::UserVcardStore(const std::string& path)
    : rows_(open_sqlite_vcard_rows(path, true)) {}

UserVcardStore::~UserVcardStore() = default;
UserVcardStore::UserVcardStore(UserVcardStore&&) noexcept = default;
UserVcardStore& UserVcardStore::operator=(UserVcardStore&&) noexcept = default;

std::optional<UserVcard> UserVcardStore::get(std::string_view bare_jid) {
    auto rows = rows_->run(kSelectVcard, {bare_jid});
    if (rows.empty()) return std::nullopt;
    return UserVcard{std::move(rows[0][0]), split(rows[0][1])};
}

void UserVcardStore::put(std::string_view bare_jid, const UserVcard& vcard) {
    rows_->run(kUpsertVcard, {bare_jid, vcard.xml, unix_now(), join(vcard.listed_sip)});
}

void UserVcardStore::put_all(const std::vector<std::pair<std::string, UserVcard>>& vcards) {
    rows_->write_transaction([&] {
        for (const auto& [jid, vcard] : vcards) put(jid, vcard);
    });
}

void UserVcardStore::put_set(std::string_view bare_jid, const UserVcard& vcard,
                             const std::vector<std::string>& shown) {
    rows_->write_transaction([&] {
        put(bare_jid, vcard);
        rows_->run(kDeleteShown, {bare_jid});
        insert_shown(*rows_, bare_jid, shown);
    });
}

std::vector<std::string> UserVcardStore::shown(std::string_view bare_jid) {
    std::vector<std::string> out;
    for (auto& row : rows_->run(kSelectShown, {bare_jid})) out.push_back(std::move(row[0]));
    return out;
}

void UserVcardStore::add_shown(std::string_view bare_jid, const std::vector<std::string>& values) {
    if (values.empty()) return;
    rows_->write_transaction([&] { insert_shown(*rows_, bare_jid, values); });
}

}  // namespace cusax::store
