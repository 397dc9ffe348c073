#pragma once
// "%" HEXDIG HEXDIG escapes decoded (RFC 3986 §2.1, the same form as RFC 3261's "escaped"):
// the one decoder of the address parsers (xmpp: URIs, SIP user parts) and of provisioning
// (query strings, user ids). What the decoded bytes may be is each caller's to check.
#include <optional>
#include <string>
#include <string_view>

namespace cusax::address {

// text with every escape decoded; nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decoded(std::string_view text);

}  // namespace cusax::address
