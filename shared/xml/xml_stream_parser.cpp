#include "shared/xml/xml_stream_parser.hpp"

#include <expat.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "shared/xml/namespace_scope.hpp"

// expat 2.6.0 added reparse deferral (CVE-2023-52425), and distributions backported it to
// older versions (Debian 12's 2.5.0+deb12u5): the build checks for the symbol itself
// (CUSAX_HAVE_XML_REPARSE_DEFERRAL from CMake) as well as the version.
#if defined(CUSAX_HAVE_XML_REPARSE_DEFERRAL) || XML_MAJOR_VERSION > 2 || \
    (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 6)
#define CUSAX_DISABLE_REPARSE_DEFERRAL 1
#endif

namespace cusax::xmpp {

std::string_view to_string(StreamErrorCondition condition) {
    switch (condition) {
        case StreamErrorCondition::BadFormat:
            return "bad-format";
        case StreamErrorCondition::InvalidNamespace:
            return "invalid-namespace";
        case StreamErrorCondition::NotWellFormed:
            return "not-well-formed";
        case StreamErrorCondition::PolicyViolation:
            return "policy-violation";
        case StreamErrorCondition::RestrictedXml:
            return "restricted-xml";
    }
    return "undefined-condition";
}

std::size_t max_skipped_depth(const XmlStreamParserLimits& limits) {
    constexpr std::size_t kMinBytesPerLevel = 7;  // "<a>" and "</a>"
    return std::max(limits.max_depth, limits.max_stanza_bytes / kMinBytesPerLevel);
}

std::size_t max_expat_bytes_while_skipping(const XmlStreamParserLimits& limits) {
    return limits.renew_expat_above + 64 * limits.max_stanza_bytes;
}

namespace {

// expat's memory suite has no user pointer, and expat allocates only inside calls we make, so
// the parser being called is published in a thread_local for the duration of each call.
struct MemoryTracker {
    std::size_t current = 0;
    std::size_t peak = 0;
};
thread_local MemoryTracker* t_tracker = nullptr;

struct TrackerScope {
    MemoryTracker* previous;
    explicit TrackerScope(MemoryTracker* tracker) : previous(t_tracker) { t_tracker = tracker; }
    ~TrackerScope() { t_tracker = previous; }
    TrackerScope(const TrackerScope&) = delete;
    TrackerScope& operator=(const TrackerScope&) = delete;
};

struct alignas(std::max_align_t) AllocHeader {
    std::size_t size;
};

void note_change(std::size_t removed, std::size_t added) {
    if (!t_tracker) return;
    t_tracker->current = t_tracker->current - removed + added;
    t_tracker->peak = std::max(t_tracker->peak, t_tracker->current);
}

void* tracked_malloc(std::size_t size) {
    auto* header = static_cast<AllocHeader*>(std::malloc(sizeof(AllocHeader) + size));
    if (!header) return nullptr;
    header->size = size;
    note_change(0, size);
    return header + 1;
}

void tracked_free(void* ptr) {
    if (!ptr) return;
    auto* header = static_cast<AllocHeader*>(ptr) - 1;
    note_change(header->size, 0);
    std::free(header);
}

void* tracked_realloc(void* ptr, std::size_t size) {
    if (!ptr) return tracked_malloc(size);
    auto* header = static_cast<AllocHeader*>(ptr) - 1;
    const std::size_t old_size = header->size;
    auto* moved = static_cast<AllocHeader*>(std::realloc(header, sizeof(AllocHeader) + size));
    if (!moved) return nullptr;
    moved->size = size;
    note_change(old_size, size);
    return moved + 1;
}

const XML_Memory_Handling_Suite kMemorySuite{tracked_malloc, tracked_realloc, tracked_free};

bool is_restricted_error(XML_Error code) {
    switch (code) {
        case XML_ERROR_UNDEFINED_ENTITY:
        case XML_ERROR_RECURSIVE_ENTITY_REF:
        case XML_ERROR_PARAM_ENTITY_REF:
        case XML_ERROR_BINARY_ENTITY_REF:
        case XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF:
        case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
        case XML_ERROR_ENTITY_DECLARED_IN_PE:
        case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
            return true;
        default:
            return false;
    }
}

}  // namespace

struct XmlStreamParser::Impl {
    XmlStreamParserLimits limits;
    Callbacks callbacks;
    MemoryTracker memory;
    XML_Parser parser = nullptr;
    std::optional<StreamParseError> error;
    bool closed = false;
    std::size_t depth = 0;  // 1 inside <stream:stream>, 2 and more inside a stanza
    // Namespaces are resolved here, not by expat (namespace_scope.hpp says why).
    NamespaceScope scope;
    std::string root_qname;  // the stream element's name as the peer wrote it ("stream:stream")
    std::optional<XmlElement> stanza;
    std::vector<XmlElement*> open;  // path from the stanza to the innermost open element
    // Offsets into the input since the stream began (expat's own restart with each parser).
    std::uint64_t total_fed = 0;
    std::uint64_t boundary = 0;      // where the held (incomplete) item starts
    std::uint64_t stanza_begin = 0;  // where the current stanza's start tag starts
    std::uint64_t progress = 0;      // up to where expat has reported everything
    std::uint64_t piece_start = 0;   // where the piece expat is parsing now starts
    std::int64_t origin = 0;         // the input offset expat's byte index 0 stands for
    // A stanza being skipped: its start tag, kept for the report, and why.
    std::optional<XmlElement> skipped;
    SkipReason skip_reason = SkipReason::TooLarge;
    std::string skip_detail;
    // Renewal (limits.renew_expat_above): where, in the input, a fresh parser takes over; and
    // while the fresh parser is shown the stream's start tag, which is not reported.
    std::optional<std::uint64_t> renew_at;
    bool priming = false;
    std::size_t renewals = 0;

    void fail(StreamErrorCondition condition, std::string detail) {
        if (!error) error = StreamParseError{condition, std::move(detail)};
        XML_StopParser(parser, XML_FALSE);
    }

    std::uint64_t event_begin() const {
        return static_cast<std::uint64_t>(
            origin + static_cast<std::int64_t>(XML_GetCurrentByteIndex(parser)));
    }
    std::uint64_t event_end() const {
        return event_begin() + static_cast<std::uint64_t>(XML_GetCurrentByteCount(parser));
    }
    void mark_progress() {
        if (!priming) progress = std::max(progress, event_end());
    }
    void mark_boundary() {
        boundary = std::max(boundary, event_end());
        progress = std::max(progress, boundary);
    }

    // From here on the stanza's content is dropped as it arrives; only its start tag stays.
    void start_skipping(SkipReason reason, std::string_view detail = {}) {
        skip_reason = reason;
        skip_detail = detail;
        XmlElement start(std::move(stanza->name), std::move(stanza->xmlns));
        start.attributes = std::move(stanza->attributes);
        skipped = std::move(start);
        stanza.reset();
        open.clear();
        scope.close_to(1);  // the stanza's declarations end with it
    }

    // Inside a skipped stanza only the count of open elements is kept; expat still holds an
    // entry per open element, so past what any stanza within the byte limit could nest the
    // stream ends rather than let that stack grow.
    bool skipped_too_deep() {
        if (depth - 1 < max_skipped_depth(limits)) return false;
        fail(StreamErrorCondition::PolicyViolation,
             "stanza nested deeper than " + std::to_string(max_skipped_depth(limits)));
        return true;
    }

    std::string where() const { return "byte " + std::to_string(event_begin()); }

    // At the end of a stanza: expat keeps every distinct element and attribute name it has
    // seen (and its largest buffers) for as long as it lives, so once it holds more than the
    // limit it is stopped here and feed() goes on from this offset with a fresh parser. An end
    // tag is reported while the piece holding its last byte is parsed; should an end ever come
    // later, the renewal waits for the next stanza.
    void renew_if_grown() {
        if (memory.current <= limits.renew_expat_above) return;
        const std::uint64_t at = event_end();
        if (at < piece_start) return;
        renew_at = at;
        XML_StopParser(parser, XML_FALSE);
    }

    static Impl& self(void* user) { return *static_cast<Impl*>(user); }

    void open_stream(const XML_Char* name, const XML_Char** atts) {
        XmlElement root;
        const std::string_view violation = scope.open(name, atts, root);
        if (!violation.empty()) {
            // The stream itself is not namespace-well-formed: nothing to skip to.
            fail(StreamErrorCondition::NotWellFormed, "stream header: " + std::string(violation));
            return;
        }
        if (root.xmlns != ns::streams || root.name != "stream") {
            fail(StreamErrorCondition::InvalidNamespace, "stream root is not <stream:stream>");
            return;
        }
        StreamHeader header;
        header.xmlns = scope.default_namespace();
        for (const auto& a : root.attributes) {
            if (!a.ns.empty()) continue;
            if (a.name == "id") header.id = a.value;
            if (a.name == "from") header.from = a.value;
            if (a.name == "to") header.to = a.value;
        }
        root_qname = name;
        depth = 1;
        mark_boundary();
        if (callbacks.on_stream_open) callbacks.on_stream_open(header);
    }

    static void on_start(void* user, const XML_Char* name, const XML_Char** atts) {
        Impl& p = self(user);
        if (p.error || p.priming) return;
        p.mark_progress();
        if (p.skipped) {
            if (!p.skipped_too_deep()) ++p.depth;
            return;
        }
        if (p.depth == 0) return p.open_stream(name, atts);
        XmlElement* element = nullptr;
        if (p.depth == 1) {
            p.stanza_begin = p.event_begin();
            element = &p.stanza.emplace();
        } else if (p.depth - 1 >= p.limits.max_depth) {
            // Nested deeper than a stanza kept whole may be: from here on, skipped.
            p.start_skipping(SkipReason::TooDeep);
            ++p.depth;
            return;
        } else {
            element = &p.open.back()->add(XmlElement());
        }
        const std::string_view violation = p.scope.open(name, atts, *element);
        if (!violation.empty()) {
            // Not namespace-well-formed: costs the stanza, as an oversize one does.
            p.start_skipping(SkipReason::NamespaceError, violation);
            ++p.depth;
            return;
        }
        p.open.push_back(element);
        ++p.depth;
    }

    static void on_end(void* user, const XML_Char* /*name*/) {
        Impl& p = self(user);
        if (p.error) return;
        p.mark_progress();
        --p.depth;
        if (p.depth == 0) {
            p.closed = true;
            p.mark_boundary();
            if (p.callbacks.on_stream_close) p.callbacks.on_stream_close();
            // Whatever follows the end of the stream is not ours to parse.
            XML_StopParser(p.parser, XML_FALSE);
            return;
        }
        if (p.skipped) {
            if (p.depth > 1) return;
            p.mark_boundary();
            SkippedStanza done{std::move(*p.skipped), p.boundary - p.stanza_begin, p.skip_reason,
                               std::move(p.skip_detail)};
            p.skipped.reset();
            p.skip_detail.clear();
            if (p.callbacks.on_stanza_skipped) p.callbacks.on_stanza_skipped(std::move(done));
            p.renew_if_grown();
            return;
        }
        p.scope.close();
        p.open.pop_back();
        if (p.depth == 1) {
            XmlElement done = std::move(*p.stanza);
            p.stanza.reset();
            p.scope.close_to(1);
            p.mark_boundary();
            if (p.callbacks.on_stanza) p.callbacks.on_stanza(std::move(done));
            p.renew_if_grown();
        }
    }

    static void on_text(void* user, const XML_Char* s, int len) {
        Impl& p = self(user);
        if (p.error) return;
        p.mark_progress();
        if (p.skipped) return;
        if (p.depth >= 2) {
            // Document order: text after a child is that child's tail (xml_element.hpp).
            XmlElement& e = *p.open.back();
            std::string& into = e.children.empty() ? e.text : e.children.back().tail;
            into.append(s, static_cast<std::size_t>(len));
        } else {
            // Whitespace between stanzas (keepalives): consumed, nothing held.
            p.mark_boundary();
        }
    }

    // RFC 6120 §11.1: no DTD, no entity declarations or references, no comments or PIs.
    static void on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        self(user).fail(StreamErrorCondition::RestrictedXml, "document type declaration");
    }
    static void on_entity_decl(void* user, const XML_Char*, int, const XML_Char*, int,
                               const XML_Char*, const XML_Char*, const XML_Char*, const XML_Char*) {
        self(user).fail(StreamErrorCondition::RestrictedXml, "entity declaration");
    }
    static void on_skipped_entity(void* user, const XML_Char*, int) {
        self(user).fail(StreamErrorCondition::RestrictedXml, "entity reference");
    }
    static void on_comment(void* user, const XML_Char*) {
        self(user).fail(StreamErrorCondition::RestrictedXml, "comment");
    }
    static void on_processing_instruction(void* user, const XML_Char*, const XML_Char*) {
        self(user).fail(StreamErrorCondition::RestrictedXml, "processing instruction");
    }
    static void on_default(void* user, const XML_Char* s, int len) {
        // With a default handler set, references to (internal) entities arrive here unexpanded;
        // the predefined entities and character references go to on_text instead.
        if (len > 0 && s[0] == '&') {
            self(user).fail(StreamErrorCondition::RestrictedXml, "entity reference");
            return;
        }
        self(user).mark_progress();
    }
    static int on_external_entity(XML_Parser parser, const XML_Char*, const XML_Char*,
                                  const XML_Char*, const XML_Char*) {
        self(XML_GetUserData(parser))
            .fail(StreamErrorCondition::RestrictedXml, "external entity reference");
        return XML_STATUS_ERROR;
    }

    // Without namespace processing (no separator): names arrive as written.
    void create() {
        TrackerScope tracking(&memory);
        parser = XML_ParserCreate_MM("UTF-8", &kMemorySuite, nullptr);
        if (!parser) throw std::bad_alloc();
        XML_SetUserData(parser, this);
        XML_SetElementHandler(parser, on_start, on_end);
        XML_SetCharacterDataHandler(parser, on_text);
        XML_SetStartDoctypeDeclHandler(parser, on_doctype);
        XML_SetEntityDeclHandler(parser, on_entity_decl);
        XML_SetSkippedEntityHandler(parser, on_skipped_entity);
        XML_SetCommentHandler(parser, on_comment);
        XML_SetProcessingInstructionHandler(parser, on_processing_instruction);
        XML_SetDefaultHandler(parser, on_default);
        XML_SetExternalEntityRefHandler(parser, on_external_entity);
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef CUSAX_DISABLE_REPARSE_DEFERRAL
        // Otherwise a complete stanza that is the last thing the peer sent can stay unparsed
        // until more bytes arrive (docs/xmpp-component-internals.md, reparse deferral).
        XML_SetReparseDeferralEnabled(parser, XML_FALSE);
#endif
    }

    // A fresh expat in place of the old one, at a stanza boundary (renew_if_grown): freed and
    // made anew, since XML_ParserReset keeps its string pools and hash table arrays for reuse,
    // and so most of the memory this is for (docs/xmpp-component-internals.md). It is shown
    // the stream's start tag as the peer wrote it, without reporting it, so that it is inside
    // the stream already and the peer's end tag matches; the namespaces in scope are ours and
    // live on in `scope`.
    void renew() {
        {
            TrackerScope tracking(&memory);
            XML_ParserFree(parser);
            parser = nullptr;
        }
        create();
        ++renewals;
        const std::string opening = "<" + root_qname + ">";
        origin = static_cast<std::int64_t>(total_fed) - static_cast<std::int64_t>(opening.size());
        priming = true;
        const XML_Status status =
            XML_Parse(parser, opening.data(), static_cast<int>(opening.size()), XML_FALSE);
        priming = false;
        if (status != XML_STATUS_OK && !error) {
            error = StreamParseError{StreamErrorCondition::NotWellFormed,
                                     "the stream's start tag does not parse again"};
        }
    }

    bool feed(std::string_view bytes) {
        if (error) return false;
        if (closed) return true;
        TrackerScope tracking(&memory);
        const std::size_t piece = std::max<std::size_t>(1, limits.feed_piece);
        while (!bytes.empty()) {
            const std::size_t n = std::min(piece, bytes.size());
            piece_start = total_fed;
            total_fed += n;
            const XML_Status status =
                XML_Parse(parser, bytes.data(), static_cast<int>(n), XML_FALSE);
            if (renew_at) {
                // Stopped at the end of a stanza: the rest of the piece goes to a fresh parser.
                const auto used = static_cast<std::size_t>(*renew_at - piece_start);
                renew_at.reset();
                bytes.remove_prefix(used);
                total_fed = piece_start + used;
                renew();
                if (error) return false;
                continue;
            }
            bytes.remove_prefix(n);
            if (closed) return true;
            if (status == XML_STATUS_ERROR) {
                if (!error) {
                    const XML_Error code = XML_GetErrorCode(parser);
                    error = StreamParseError{is_restricted_error(code)
                                                 ? StreamErrorCondition::RestrictedXml
                                                 : StreamErrorCondition::NotWellFormed,
                                             std::string(XML_ErrorString(code)) + " at " + where()};
                }
                return false;
            }
            if (error) return false;
            // Checked after every piece, so at most one piece more than the limit is ever
            // held by expat and by the stanza under construction.
            if (held() > limits.max_stanza_bytes && !skipped && stanza) {
                start_skipping(SkipReason::TooLarge);
            }
            if (held() > limits.max_stanza_bytes) {
                // Nothing left to drop: expat holds an incomplete token this long, and a stanza
                // cannot be skipped without reading its start tag to the end.
                return refuse(std::string(skipped ? "an XML token inside a stanza"
                                                  : "a stanza's start tag or markup between "
                                                    "stanzas") +
                              " longer than " + std::to_string(limits.max_stanza_bytes) + " bytes");
            }
            if (skipped && memory.current > max_expat_bytes_while_skipping(limits)) {
                // expat keeps the names of a skipped stanza too, and cannot be renewed before
                // it ends.
                return refuse("a skipped stanza with names for more than " +
                              std::to_string(max_expat_bytes_while_skipping(limits)) +
                              " bytes of parser memory");
            }
        }
        return true;
    }

    // Ends the stream for what cannot be skipped without holding it.
    bool refuse(std::string detail) {
        error = StreamParseError{StreamErrorCondition::PolicyViolation, std::move(detail)};
        stanza.reset();
        skipped.reset();
        open.clear();
        return false;
    }

    // While a stanza is skipped, only the token expat has not finished is held.
    std::size_t held() const {
        return static_cast<std::size_t>(total_fed - (skipped ? progress : boundary));
    }
};

XmlStreamParser::XmlStreamParser(XmlStreamParserLimits limits, Callbacks callbacks)
    : impl_(std::make_unique<Impl>()) {
    impl_->limits = limits;
    impl_->callbacks = std::move(callbacks);
    impl_->create();
}

XmlStreamParser::~XmlStreamParser() {
    TrackerScope scope(&impl_->memory);
    XML_ParserFree(impl_->parser);
}

bool XmlStreamParser::feed(std::string_view bytes) { return impl_->feed(bytes); }
const std::optional<StreamParseError>& XmlStreamParser::error() const { return impl_->error; }
bool XmlStreamParser::closed() const { return impl_->closed; }
std::size_t XmlStreamParser::held_bytes() const { return impl_->held(); }
std::size_t XmlStreamParser::expat_allocated_bytes() const { return impl_->memory.current; }
std::size_t XmlStreamParser::expat_peak_allocated_bytes() const { return impl_->memory.peak; }
std::size_t XmlStreamParser::expat_renewals() const { return impl_->renewals; }

}  // namespace cusax::xmpp
