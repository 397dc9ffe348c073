#include "shared/address/jid.hpp"

#include <idn2.h>
#include <stringprep.h>

#include <cstring>
#include <memory>

#include "shared/address/host_name.hpp"
#include "shared/address/message_text.hpp"
#include "shared/address/percent_decode.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/uri_chars.hpp"

namespace cusax::address {
namespace {

using Result = Parsed<std::string>;
using Problem = std::string;

// RFC 7622 §3.3.1 and §3.2.1: each part is at most 1023 bytes. The overall limit of
// safe_text.hpp (kMaxAddressLength) is lower and applies to the whole JID.
constexpr std::size_t kMaxPartLength = 1023;

// XMPP nodeprep (RFC 3920 Appendix A.5) prohibits these ASCII characters besides controls.
constexpr bool is_prohibited_in_localpart(char c) { return chars::is_one_of(c, "\"&'/:<>@ "); }

// RFC 7622 §3.3 maps the localpart with the PRECIS UsernameCaseMapped profile (RFC 8265).
// No PRECIS library is packaged in Debian, so non-ASCII localparts go through libidn's
// stringprep XMPP nodeprep (RFC 3920 / RFC 6122), its predecessor: case-folded, NFKC, the
// same prohibited characters. The two agree on ASCII and on common letters (ÄLICE ->
// älice); they differ on compatibility characters (nodeprep maps fullwidth letters, PRECIS
// refuses some symbols nodeprep lets through). ASCII, the common case, takes a fast path
// with the same result: nodeprep maps ASCII by lower-casing only.
Problem append_localpart(std::string_view local, std::string& out) {
    bool ascii = true;
    for (const char c : local) {
        if (!chars::is_ascii(c)) {
            ascii = false;
        } else if (is_prohibited_in_localpart(c)) {
            return "localpart contains " + describe_char(c);
        }
    }
    if (ascii) {
        for (const char c : local) {
            out += chars::to_lower(c);
        }
        return {};
    }
    // stringprep works in place on a NUL-terminated buffer; NFKC and case folding can grow
    // the text, and anything over the RFC 7622 limit is refused anyway.
    std::string buffer(kMaxPartLength + 2, '\0');
    std::memcpy(buffer.data(), local.data(), local.size());
    // Flags 0, as libidn's stringprep_xmpp_nodeprep() macro: unassigned code points (Unicode
    // 3.2) are let through, or most letters added since 2002 would be refused.
    const int rc = stringprep(buffer.data(), buffer.size(), Stringprep_profile_flags{},
                              stringprep_xmpp_nodeprep);
    switch (rc) {
        case STRINGPREP_OK:
            break;
        case STRINGPREP_CONTAINS_PROHIBITED:
            return "localpart contains a character XMPP nodeprep prohibits";
        case STRINGPREP_BIDI_BOTH_L_AND_RAL:
        case STRINGPREP_BIDI_LEADTRAIL_NOT_RAL:
        case STRINGPREP_BIDI_CONTAINS_PROHIBITED:
            return "localpart breaks the bidirectional text rules (RFC 3454 §6)";
        case STRINGPREP_TOO_SMALL_BUFFER:
            return "localpart is longer than 1023 bytes";
        default:
            return std::string("localpart: ") + stringprep_strerror(static_cast<Stringprep_rc>(rc));
    }
    const std::size_t length = std::strlen(buffer.c_str());
    if (length == 0) {
        return "localpart is empty after case mapping";
    }
    if (length > kMaxPartLength) {
        return "localpart is longer than 1023 bytes";
    }
    out.append(buffer.data(), length);
    return {};
}

struct Idn2Free {
    void operator()(char* p) const { idn2_free(p); }
};

// RFC 7622 §3.2: the domainpart is compared in its ASCII form; an internationalised domain
// name becomes A-labels (IDNA2008 with UTS #46 non-transitional mapping, which also
// case-maps), then is checked and lower-cased as any host name.
Problem append_domainpart(std::string_view domain, std::string& out) {
    if (domain.size() > kMaxPartLength) {
        return "domainpart is longer than 1023 bytes";
    }
    bool ascii = true;
    for (const char c : domain) {
        ascii = ascii && chars::is_ascii(c);
    }
    if (ascii) {
        return append_host(domain, "domainpart", out);
    }
    const std::string input(domain);  // idn2 wants a NUL-terminated string
    char* raw = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    const std::unique_ptr<char, Idn2Free> converted(raw);
    if (rc != IDN2_OK || converted == nullptr) {
        return std::string("domainpart is not a valid internationalised domain name (") +
               idn2_strerror(rc) + ")";
    }
    return append_host(converted.get(), "domainpart", out);
}

}  // namespace

Parsed<std::string> normalise_bare_jid(std::string_view text) {
    const auto fail = [&](std::string_view why) { return Result::fail(error_about(text, why)); };
    if (text.empty()) {
        return fail("is empty");
    }
    if (text.size() > kMaxAddressLength) {
        return fail("is longer than 256 bytes");
    }
    if (const auto why = unsafe_reason(text); !why.empty()) {
        return fail(why);
    }
    std::string_view jid = text;
    const bool uri = chars::starts_with_ci(jid, "xmpp:");
    if (uri) {
        jid.remove_prefix(5);
        if (jid.starts_with("//")) {
            return fail("is an xmpp: URI with an authority, not a bare JID");
        }
        // A query ("?message", "?join") is an action on the JID, not part of it: refused so
        // that a binding is never stored with an action attached.
        if (jid.find('?') != std::string_view::npos) {
            return fail("is an xmpp: URI with a query ('?'); only a bare JID is allowed");
        }
        if (jid.find('#') != std::string_view::npos) {
            return fail("is an xmpp: URI with a fragment ('#'); only a bare JID is allowed");
        }
    }
    // RFC 7622 §3.1: the first '/' starts the resourcepart; the first '@' before it ends the
    // localpart.
    if (jid.find('/') != std::string_view::npos) {
        return fail("has a resource ('/...'); only a bare JID is allowed");
    }
    const std::size_t at = jid.find('@');
    std::string_view local = at == std::string_view::npos ? std::string_view{} : jid.substr(0, at);
    std::string_view domain = at == std::string_view::npos ? jid : jid.substr(at + 1);
    if (at != std::string_view::npos && local.empty()) {
        return fail("localpart is empty");
    }
    // In an xmpp: URI, escapes decode after the split: "a%2Fb@x" has the localpart "a/b"
    // (refused by nodeprep), not a resource. What they decode to is checked again.
    std::string decoded_local;
    std::string decoded_domain;
    if (uri && jid.find('%') != std::string_view::npos) {
        for (auto [part, decoded] :
             {std::pair{&local, &decoded_local}, std::pair{&domain, &decoded_domain}}) {
            // RFC 5122 §2.2: an xmpp: URI escapes the characters of a JID as %HEX.
            auto unescaped = percent_decoded(*part);
            if (!unescaped) return fail("has a '%' not followed by two hex digits");
            *decoded = std::move(*unescaped);
            if (const auto why = unsafe_reason(*decoded); !why.empty()) {
                return fail("decodes to text that " + std::string(why));
            }
            *part = *decoded;
        }
    }
    // RFC 7622 §3.2: a trailing dot is removed before comparing; append_host does that.
    if (domain.empty()) {
        return fail("domainpart is empty");
    }
    std::string out;
    out.reserve(jid.size() + 16);
    if (!local.empty()) {
        if (auto problem = append_localpart(local, out); !problem.empty()) {
            return fail(problem);
        }
        out += '@';
    }
    if (auto problem = append_domainpart(domain, out); !problem.empty()) {
        return fail(problem);
    }
    // Case mapping and A-labels can lengthen the text; the result must fit where it goes.
    if (const auto why = unsafe_reason(out); !why.empty()) {
        return fail("after normalisation " + std::string(why));
    }
    return Result::ok(std::move(out));
}

}  // namespace cusax::address
