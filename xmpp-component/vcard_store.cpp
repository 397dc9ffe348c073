#include "xmpp-component/vcard_store.hpp"

#include "shared/xml/parse_element.hpp"

namespace cusax::xmpp {

std::optional<StoredVcard> VcardStore::get(std::string_view bare_jid) {
    auto row = rows_.get(bare_jid);
    if (!row) return std::nullopt;
    auto vcard = parse_element(row->xml);
    if (!vcard) return std::nullopt;
    return StoredVcard{std::move(*vcard), std::move(row->listed_sip)};
}

void VcardStore::put(std::string_view bare_jid, const StoredVcard& stored) {
    rows_.put(bare_jid, {stored.vcard.serialize(), stored.listed_sip});
}

}  // namespace cusax::xmpp
