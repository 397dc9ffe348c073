#include "xmpp-component/vcard_store.hpp"

#include "shared/store/binding_store.hpp"
#include "shared/xml/parse_element.hpp"

namespace cusax::xmpp {

std::optional<StoredVcard> VcardStore::get(std::string_view bare_jid) {
    auto row = rows_.get(bare_jid);
    if (!row) return std::nullopt;
    auto vcard = parse_element(row->xml);
    if (!vcard) {
        throw store::StoreError("the stored vCard of " + std::string(bare_jid) +
                                " does not parse (" + std::to_string(row->xml.size()) + " bytes)");
    }
    return StoredVcard{std::move(*vcard), std::move(row->listed_sip)};
}

void VcardStore::put(std::string_view bare_jid, const StoredVcard& stored,
                     const std::vector<std::string>& still_shown) {
    std::string xml = stored.vcard.serialize();
    const auto back = parse_element(xml);
    if (!back || !(*back == stored.vcard)) {
        throw store::StoreError("the vCard of " + std::string(bare_jid) +
                                " would not read back as it is: not stored");
    }
    rows_.put_set(bare_jid, {std::move(xml), stored.listed_sip}, still_shown);
}

}  // namespace cusax::xmpp
