#include "xmpp-component/vcard_store.hpp"

#include <ctime>

#include "shared/store/sqlite_handles.hpp"
#include "xmpp-component/xml_stream_parser.hpp"

namespace cusax::xmpp {

namespace sql = store::sqlite;

struct VcardStore::Impl {
    explicit Impl(const std::string& path)
        : db(path),
          init((db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                        "PRAGMA busy_timeout=5000;"
                        "CREATE TABLE IF NOT EXISTS vcards (jid TEXT PRIMARY KEY NOT NULL,"
                        " vcard TEXT NOT NULL, updated_at INTEGER NOT NULL)"),
                0)),
          select(db, "SELECT vcard FROM vcards WHERE jid = ?1"),
          upsert(db,
                 "INSERT INTO vcards (jid, vcard, updated_at) VALUES (?1, ?2, ?3) "
                 "ON CONFLICT(jid) DO UPDATE SET vcard = excluded.vcard, "
                 "updated_at = excluded.updated_at") {}
    sql::Database db;
    int init;
    sql::Statement select;
    sql::Statement upsert;
};

VcardStore::VcardStore(const std::string& path) : impl_(std::make_unique<Impl>(path)) {}
VcardStore::~VcardStore() = default;

std::optional<XmlElement> VcardStore::get(std::string_view bare_jid) {
    sql::StatementUse s(impl_->select);
    s->bind(1, bare_jid);
    if (!s->step()) return std::nullopt;
    return parse_element(s->text(0));
}

void VcardStore::put(std::string_view bare_jid, const XmlElement& vcard) {
    sql::StatementUse s(impl_->upsert);
    s->bind(1, bare_jid);
    s->bind(2, vcard.serialize());
    s->bind(3, static_cast<std::int64_t>(std::time(nullptr)));
    s->step();
}

std::optional<XmlElement> parse_element(std::string_view xml) {
    std::optional<XmlElement> out;
    XmlStreamParserLimits limits;
    limits.max_stanza_bytes = xml.size() + 1024;
    XmlStreamParser parser(limits, {.on_stream_open = {},
                                    .on_stanza =
                                        [&](XmlElement&& e) {
                                            if (!out) out = std::move(e);
                                        },
                                    .on_stream_close = {}});
    const bool ok = parser.feed(
                        "<stream:stream xmlns='jabber:component:accept' "
                        "xmlns:stream='http://etherx.jabber.org/streams'>") &&
                    parser.feed(xml);
    if (!ok) return std::nullopt;
    return out;
}

}  // namespace cusax::xmpp
