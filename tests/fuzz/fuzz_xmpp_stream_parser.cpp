// Any bytes as the XMPP component stream after its header, fed in pieces whose sizes come
// from the input: no crash, no sanitizer report, held bytes bounded, and every stanza the
// parser accepts serialises to XML that parses back to the same stanza (the component never
// writes what it could not read). A skipped stanza (over the limit, too deep, not
// namespace-well-formed) that is an iq request gets the error reply the component writes for
// it, and that reply must parse back the same too. expat is renewed at every stanza boundary
// (renew_expat_above 0), so that renewal meets every split the input makes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "shared/xml/xml_stream_parser.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace {

using cusax::xmpp::XmlElement;
using cusax::xmpp::XmlStreamParser;

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:component:accept' "
    "xmlns:stream='http://etherx.jabber.org/streams' id='fuzz' from='example.com'>";

void require(bool condition) {
    if (!condition) std::abort();
}

std::vector<std::string> parse_stanzas(std::string_view body, std::size_t piece) {
    std::vector<std::string> stanzas;
    cusax::xmpp::XmlStreamParserLimits limits;
    limits.max_stanza_bytes = 16 * 1024;
    limits.renew_expat_above = 0;
    XmlStreamParser parser(
        limits,
        {.on_stream_open = {},
         .on_stanza = [&](XmlElement&& stanza) { stanzas.push_back(stanza.serialize()); },
         .on_stream_close = {},
         // Skipping goes on to the next stanza: the held-bytes bound below must hold through
         // it too. The reply to a skipped iq request is written like any stanza.
         .on_stanza_skipped =
             [&](cusax::xmpp::SkippedStanza&& skipped) {
                 if (!cusax::xmpp::is_iq_request(skipped.start)) return;
                 stanzas.push_back(cusax::xmpp::make_error_reply(skipped.start, "bad-request",
                                                                 "modify", skipped.detail)
                                       .serialize());
             }});
    if (!parser.feed(kHeader)) return stanzas;
    for (std::size_t at = 0; at < body.size(); at += piece) {
        if (!parser.feed(body.substr(at, piece))) break;
        // Never more held than the limit plus one feed piece.
        require(parser.held_bytes() <= limits.max_stanza_bytes + limits.feed_piece + piece);
    }
    return stanzas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    for (const auto& stanza : parse_stanzas(body, piece)) {
        const auto again = parse_stanzas(stanza, stanza.size());
        require(again.size() == 1 && again.front() == stanza);
    }
    return 0;
}
