#pragma once
// What a request asked for, as counted (component_counters.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cusax::xmpp {

// none: not a request (a response, a presence or message that needs no answer).
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

constexpr std::string_view to_string(QueryKind kind) {
    switch (kind) {
        case QueryKind::none:
            return "none";
        case QueryKind::vcard:
            return "vcard";
        case QueryKind::vcard4:
            return "vcard4";
        case QueryKind::reach:
            return "reach";
        case QueryKind::disco:
            return "disco";
        case QueryKind::search:
            return "search";
        case QueryKind::ping:
            return "ping";
        case QueryKind::unknown_account:
            return "unknown_account";
        case QueryKind::other:
            return "other";
    }
    return "other";
}

}  // namespace cusax::xmpp
