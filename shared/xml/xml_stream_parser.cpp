#include "shared/xml/xml_stream_parser.hpp"

#include <expat.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

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

namespace {

// Separator expat puts between namespace URI and local name. U+0001 cannot occur in an XML 1.0
// name or namespace name, so splitting on it is unambiguous.
constexpr char kNsSeparator = '\x01';

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

struct SplitName {
    std::string_view uri;
    std::string_view local;
};

SplitName split_name(const XML_Char* name) {
    std::string_view full(name);
    auto sep = full.find(kNsSeparator);
    if (sep == std::string_view::npos) return {{}, full};
    return {full.substr(0, sep), full.substr(sep + 1)};
}

XmlAttribute make_attribute(const XML_Char* name, const XML_Char* value) {
    auto [uri, local] = split_name(name);
    return {std::string(uri), std::string(local), value};
}

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
    std::string stream_default_ns;
    std::optional<XmlElement> stanza;
    std::vector<XmlElement*> open;  // path from the stanza to the innermost open element
    std::uint64_t total_fed = 0;
    std::uint64_t boundary = 0;      // input offset where the held (incomplete) item starts
    std::uint64_t stanza_begin = 0;  // input offset of the current stanza's start tag
    std::uint64_t progress = 0;      // input offset up to which expat has reported everything
    // A stanza being skipped: its start tag, kept for the report, and why.
    std::optional<XmlElement> skipped;
    SkipReason skip_reason = SkipReason::TooLarge;

    void fail(StreamErrorCondition condition, std::string detail) {
        if (!error) error = StreamParseError{condition, std::move(detail)};
        XML_StopParser(parser, XML_FALSE);
    }

    std::uint64_t event_end() const {
        return static_cast<std::uint64_t>(XML_GetCurrentByteIndex(parser)) +
               static_cast<std::uint64_t>(XML_GetCurrentByteCount(parser));
    }
    void mark_progress() { progress = std::max(progress, event_end()); }
    void mark_boundary() {
        boundary = std::max(boundary, event_end());
        progress = std::max(progress, boundary);
    }

    // From here on the stanza's content is dropped as it arrives; only its start tag stays.
    void start_skipping(SkipReason reason) {
        skip_reason = reason;
        XmlElement start(std::move(stanza->name), std::move(stanza->xmlns));
        start.attributes = std::move(stanza->attributes);
        skipped = std::move(start);
        stanza.reset();
        open.clear();
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

    std::string where() const {
        return "line " + std::to_string(XML_GetCurrentLineNumber(parser)) + " column " +
               std::to_string(XML_GetCurrentColumnNumber(parser));
    }

    static Impl& self(void* user) { return *static_cast<Impl*>(user); }

    static void on_start(void* user, const XML_Char* name, const XML_Char** atts) {
        Impl& p = self(user);
        if (p.error) return;
        p.mark_progress();
        if (p.skipped) {
            if (!p.skipped_too_deep()) ++p.depth;
            return;
        }
        auto [uri, local] = split_name(name);
        if (p.depth == 0) {
            if (uri != ns::streams || local != "stream") {
                p.fail(StreamErrorCondition::InvalidNamespace,
                       "stream root is not <stream:stream>");
                return;
            }
            StreamHeader header;
            header.xmlns = p.stream_default_ns;
            for (int i = 0; atts[i]; i += 2) {
                const XmlAttribute a = make_attribute(atts[i], atts[i + 1]);
                if (!a.ns.empty()) continue;
                if (a.name == "id") header.id = a.value;
                if (a.name == "from") header.from = a.value;
                if (a.name == "to") header.to = a.value;
            }
            p.depth = 1;
            p.mark_boundary();
            if (p.callbacks.on_stream_open) p.callbacks.on_stream_open(header);
            return;
        }
        XmlElement* element = nullptr;
        if (p.depth == 1) {
            p.stanza_begin = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(p.parser));
            p.stanza.emplace(std::string(local), std::string(uri));
            element = &*p.stanza;
        } else if (p.depth - 1 >= p.limits.max_depth) {
            // Nested deeper than a stanza kept whole may be: from here on, skipped.
            p.start_skipping(SkipReason::TooDeep);
            ++p.depth;
            return;
        } else {
            element = &p.open.back()->add(XmlElement(std::string(local), std::string(uri)));
        }
        for (int i = 0; atts[i]; i += 2) {
            element->attributes.push_back(make_attribute(atts[i], atts[i + 1]));
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
            SkippedStanza done{
                std::move(*p.skipped), p.boundary - p.stanza_begin, p.skip_reason, {}};
            p.skipped.reset();
            if (p.callbacks.on_stanza_skipped) p.callbacks.on_stanza_skipped(std::move(done));
            return;
        }
        p.open.pop_back();
        if (p.depth == 1) {
            XmlElement done = std::move(*p.stanza);
            p.stanza.reset();
            p.mark_boundary();
            if (p.callbacks.on_stanza) p.callbacks.on_stanza(std::move(done));
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

    static void on_namespace_start(void* user, const XML_Char* prefix, const XML_Char* uri) {
        Impl& p = self(user);
        if (p.depth == 0 && !prefix) p.stream_default_ns = uri ? uri : "";
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

    void create() {
        TrackerScope scope(&memory);
        parser = XML_ParserCreate_MM("UTF-8", &kMemorySuite, &kNsSeparator);
        if (!parser) throw std::bad_alloc();
        XML_SetUserData(parser, this);
        XML_SetElementHandler(parser, on_start, on_end);
        XML_SetCharacterDataHandler(parser, on_text);
        XML_SetStartNamespaceDeclHandler(parser, on_namespace_start);
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

    bool feed(std::string_view bytes) {
        if (error) return false;
        if (closed) return true;
        TrackerScope scope(&memory);
        const std::size_t piece = std::max<std::size_t>(1, limits.feed_piece);
        while (!bytes.empty()) {
            const std::size_t n = std::min(piece, bytes.size());
            total_fed += n;
            const XML_Status status =
                XML_Parse(parser, bytes.data(), static_cast<int>(n), XML_FALSE);
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
                error = StreamParseError{
                    StreamErrorCondition::PolicyViolation,
                    std::string(skipped ? "an XML token inside a stanza"
                                        : "a stanza's start tag or markup between stanzas") +
                        " longer than " + std::to_string(limits.max_stanza_bytes) + " bytes"};
                stanza.reset();
                skipped.reset();
                open.clear();
                return false;
            }
        }
        return true;
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
std::size_t XmlStreamParser::expat_renewals() const { return 0; }

}  // namespace cusax::xmpp
