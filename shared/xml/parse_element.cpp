#include "shared/xml/parse_element.hpp"

#include "shared/xml/xml_stream_parser.hpp"

namespace cusax::xmpp {

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
