// The serialiser against the parser: any stanza the stream parser accepts is written
// (XmlElement::serialize, with the stream's default namespace in scope), parsed again as the
// one stanza of a stream with that default namespace, and must come back as the same tree;
// anything else (no stanza, two, a parse error, a different tree) is a crash with both forms
// printed. The tree keeps mixed content in document order (text before the first child, each
// child's tail after it), so the same tree means the same order.
// A stanza the parser skips (not namespace-well-formed, too deep) must not crash it, and when
// it is a stanza the component answers from its start tag alone (iq, message, presence), that
// start tag must be written and read back the same way too. The input is a whole stream when it
// starts with its own header ("<?xml" or
// "<stream:"), so that the stream's default namespace varies too; otherwise the stanzas of a
// component stream (jabber:component:accept).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/xml/xml_stream_parser.hpp"

namespace {

using cusax::xmpp::XmlElement;
using cusax::xmpp::XmlStreamParser;

constexpr std::string_view kComponentHeader =
    "<stream:stream xmlns='jabber:component:accept' "
    "xmlns:stream='http://etherx.jabber.org/streams' id='fuzz' from='example.com'>";

struct Parsed {
    std::string default_ns;
    std::vector<XmlElement> stanzas;
    std::vector<XmlElement> skipped_starts;  // of stanzas the component could answer
    bool failed = false;
};

bool answerable(const XmlElement& start) {
    return start.name == "iq" || start.name == "message" || start.name == "presence";
}

Parsed parse(std::string_view header, std::string_view body, std::size_t limit) {
    Parsed out;
    cusax::xmpp::XmlStreamParserLimits limits;
    limits.max_stanza_bytes = limit;  // never reached: nothing is skipped
    XmlStreamParser parser(
        limits,
        {.on_stream_open = [&](const cusax::xmpp::StreamHeader& h) { out.default_ns = h.xmlns; },
         .on_stanza = [&](XmlElement&& stanza) { out.stanzas.push_back(std::move(stanza)); },
         .on_stream_close = {},
         .on_stanza_skipped =
             [&](cusax::xmpp::SkippedStanza&& skipped) {
                 if (skipped.bytes == 0) std::abort();
                 if (answerable(skipped.start)) out.skipped_starts.push_back(skipped.start);
             }});
    out.failed = !parser.feed(header) || !parser.feed(body);
    return out;
}

[[noreturn]] void mismatch(const std::string& written, const char* what) {
    std::fprintf(stderr, "round trip failed (%s): %s\n", what, written.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const bool whole_stream = input.starts_with("<?xml") || input.starts_with("<stream:");
    const Parsed first = parse(whole_stream ? std::string_view() : kComponentHeader, input,
                               size + kComponentHeader.size() + 1);
    if (first.stanzas.empty() && first.skipped_starts.empty()) return 0;

    std::string header = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='";
    cusax::xmpp::append_escaped_attribute(header, first.default_ns);
    header += "'>";
    std::vector<XmlElement> written_back = first.stanzas;
    written_back.insert(written_back.end(), first.skipped_starts.begin(),
                        first.skipped_starts.end());
    for (const XmlElement& stanza : written_back) {
        const std::string written = stanza.serialize(first.default_ns);
        const Parsed again = parse(header, written, 64 * written.size() + 65536);
        if (again.failed) mismatch(written, "does not parse");
        if (again.stanzas.size() != 1) mismatch(written, "not one stanza");
        if (again.default_ns != first.default_ns) mismatch(written, "default namespace");
        if (!(again.stanzas.front() == stanza)) mismatch(written, "another tree");
    }
    return 0;
}
