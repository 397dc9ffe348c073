#pragma once
// The component's answers (policy layer: no I/O, no clock, no globals). Given one stanza from
// the server and the accounts of the current snapshot, returns the stanzas to send back.
//
//   to the domain:   disco#info/#items, jabber:iq:search (XEP-0055 + XEP-0004), vcard-temp of
//                    the service, ping;
//   to an account:   vcard-temp, vCard4 (XEP-0292: PEP items on urn:xmpp:vcard4, and the older
//                    <vcard/> iq), reach (XEP-0152: presence after probe/subscribe and PEP
//                    items on urn:xmpp:reach:0), disco#info/#items, ping;
//   anything else:   service-unavailable (RFC 6121 §8.5.1, RFC 6120 §8.3.3.19); an iq result or
//                    error is never answered (RFC 6120 §8.3.1); vCard sets get not-allowed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/xml/xml_element.hpp"
#include "xmpp-component/account_index.hpp"
#include "xmpp-component/rate_limiter.hpp"
#include "xmpp-component/vcard_delegation.hpp"

namespace cusax::xmpp {

struct DirectorySettings {
    std::string domain;  // the component's domain, lower-case
    // Requesters whose bare JID's domain is listed here may search and list accounts; everyone
    // else gets forbidden (RFC 7081 §3.5 look-ups are for the service's own users). Lower-case.
    std::vector<std::string> local_domains;
    bool list_accounts = true;  // disco#items of the domain lists accounts (to local users)
    std::size_t max_listed_accounts = 500;
    std::string service_name = "SIP directory";
    // XEP-0355: a delegated vCard set that would drop a guaranteed TEL is refused or corrected.
    VcardGuard vcard_guard = VcardGuard::refuse;
};

// What a request asked for, as counted (component_counters.hpp). none: not a request
// (a response, a presence or message that needs no answer).
enum class QueryKind : std::uint8_t {
    none,
    vcard,   // vcard-temp
    vcard4,  // PEP items of urn:xmpp:vcard4, or the older <vcard/> iq
    reach,   // PEP items of urn:xmpp:reach:0, a presence probe or subscription
    disco,   // disco#info or #items
    search,
    ping,
    unknown_account,  // anything addressed to an account that does not exist
    other,            // any other request (unsupported payload, message to an account, ...)
};
inline constexpr std::size_t query_kind_count = 9;
std::string_view to_string(QueryKind kind);

struct HandlerOutcome {
    std::vector<XmlElement> replies;
    QueryKind query = QueryKind::none;
    std::string_view kind;   // what was asked, finer: "vcard-temp", "search", "presence", ...
    std::string_view error;  // stanza error condition sent back, empty when none
    std::string aor;         // the binding concerned, when there is one
    bool routine = false;    // pings, ignored stanzas: not worth an info log line
};

HandlerOutcome handle_stanza(const XmlElement& stanza, const AccountIndex& accounts,
                             const DirectorySettings& settings, TokenBucketLimiter& limiter,
                             TokenBucketLimiter::Clock::time_point now);

}  // namespace cusax::xmpp
