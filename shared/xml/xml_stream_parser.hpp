#pragma once
// Incremental parser for an XMPP stream (RFC 6120 §4, §11): expat, fed bytes as they arrive
// from the socket, with namespaces resolved by NamespaceScope (namespace_scope.hpp says why not
// by expat). Reports the stream header, each complete top-level stanza (a child of
// <stream:stream>) as an XmlElement, and the end of the stream.
//
// It enforces what RFC 6120 §11.1 forbids (DTDs, entity declarations and references, comments,
// processing instructions → restricted-xml) and well-formedness (→ not-well-formed). Nothing is
// ever expanded. A stream header that is not namespace-well-formed is not-well-formed too.
//
// A stanza over the byte limit, nested deeper than max_depth, or not namespace-well-formed,
// costs only that stanza: from then on its content is dropped as it arrives (input is fed to
// expat in pieces and the count checked after each, so no more than the limit is ever held),
// the parser keeps only a count of open elements until the stanza ends, then reports its start
// tag through on_stanza_skipped and goes on with the next. Only what cannot be skipped without
// holding it ends the stream
// (→ policy-violation): a single XML token (a start tag, an attribute value) longer than the
// limit, or markup between stanzas that long, and nesting deeper than any stanza within the byte
// limit could carry (max_skipped_depth()), since expat itself keeps an entry for every open
// element to match its end tag (docs/xmpp-component-internals.md, "Stanza size").
//
// expat also keeps every distinct element and attribute name it has seen for as long as it
// lives; so that a user sending ever new names cannot grow it until the next reconnect, it is
// replaced by a fresh parser at the end of a stanza once it holds more than renew_expat_above
// (counted through its memory suite), which goes on from the next byte as if nothing had
// happened.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

// RFC 6120 §4.9.3 conditions the parser can raise.
enum class StreamErrorCondition {
    BadFormat,
    InvalidNamespace,
    NotWellFormed,
    PolicyViolation,
    RestrictedXml,
};
std::string_view to_string(StreamErrorCondition condition);

struct StreamParseError {
    StreamErrorCondition condition;
    std::string detail;  // one line for the log: what and where (no stanza content)
};

struct StreamHeader {
    std::string id;
    std::string from;
    std::string to;
    std::string xmlns;  // the stream's default namespace
};

// Why a stanza was dropped: over max_stanza_bytes, nested deeper than max_depth, or not
// namespace-well-formed (the first of these it was found to be).
enum class SkipReason { TooLarge, TooDeep, NamespaceError };

// A dropped stanza: its start tag (name, namespace, attributes: who sent it, to whom, its id and
// type; no children, no text), how many bytes it had on the wire, and why. When the start tag
// is itself what breaks a namespace constraint, it holds what could be resolved: an attribute
// that could not is left out, and an element name whose prefix could not is in no namespace.
struct SkippedStanza {
    XmlElement start;
    std::size_t bytes = 0;
    SkipReason reason = SkipReason::TooLarge;
    std::string detail;  // NamespaceError: which constraint, one line, no stanza content
};

struct XmlStreamParserLimits {
    std::size_t max_stanza_bytes = 64 * 1024;
    std::size_t max_depth = 64;     // element nesting inside one stanza kept whole
    std::size_t feed_piece = 4096;  // bytes handed to expat per call
    // Memory expat may have allocated at the end of a stanza before it is replaced by a fresh
    // parser (expat keeps every distinct name it has seen for as long as it lives).
    std::size_t renew_expat_above = 256 * 1024;
};

// Each level of nesting takes at least seven bytes on the wire (`<a>` and `</a>`), so no stanza
// within max_stanza_bytes nests deeper than this; never less than max_depth.
std::size_t max_skipped_depth(const XmlStreamParserLimits& limits);

// What expat may hold while a stanza is skipped: it still sees every name in the stanza, which
// is longer than max_stanza_bytes by definition, and cannot be renewed in the middle of one.
// renew_expat_above plus 64 times max_stanza_bytes: room for nesting max_skipped_depth() deep
// (expat takes some 140 bytes per open element, 20 times max_stanza_bytes in all).
std::size_t max_expat_bytes_while_skipping(const XmlStreamParserLimits& limits);

class XmlStreamParser {
  public:
    struct Callbacks {
        std::function<void(const StreamHeader&)> on_stream_open;
        std::function<void(XmlElement&&)> on_stanza;
        std::function<void()> on_stream_close;
        std::function<void(SkippedStanza&&)> on_stanza_skipped = {};  // empty: ignored
    };

    XmlStreamParser(XmlStreamParserLimits limits, Callbacks callbacks);
    ~XmlStreamParser();
    XmlStreamParser(const XmlStreamParser&) = delete;
    XmlStreamParser& operator=(const XmlStreamParser&) = delete;

    // Feeds bytes; callbacks run from inside. Returns false once the stream is in error (see
    // error()); later calls do nothing. Must not be called from a callback.
    bool feed(std::string_view bytes);

    const std::optional<StreamParseError>& error() const;
    bool closed() const;  // </stream:stream> seen

    // Bytes of input held now, what max_stanza_bytes bounds: of the incomplete stanza (or markup
    // between stanzas) since the last complete top-level item, or, while a stanza over the limit
    // is being skipped, of the XML token not yet complete.
    std::size_t held_bytes() const;
    // Memory expat itself has allocated now, and at most so far (tracked through its memory
    // suite), for tests and counters.
    std::size_t expat_allocated_bytes() const;
    std::size_t expat_peak_allocated_bytes() const;
    // How many times expat has been replaced by a fresh parser (renew_expat_above).
    std::size_t expat_renewals() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cusax::xmpp
