#include "xmpp-component/vcard_store.hpp"

#include "shared/xml/xml_stream_parser.hpp"

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
