#pragma once
// SIP/SIPS/tel URI normalisation for look-ups (RFC 3261 §10.3 and §19.1.4, RFC 3966).
#include "shared/address/address_key.hpp"

namespace cusax::address {

// Normalises a SIP, SIPS or tel URI (optionally in name-addr form "Name <uri>") to the key
// it is looked up by:
//  - sip:/sips: scheme and host lower-cased, user part kept case-sensitive, %HEX escapes of
//    unreserved characters decoded, password, port, URI parameters and headers dropped;
//    sips: stays sips: (a different AOR from sip:, see sip_address.cpp);
//  - sip: with user=phone and tel: give a Number, read as dialled_number.hpp says (escapes
//    decoded, visual separators "-.() " removed, parameters dropped, a global
//    ;phone-context= prefixed to a local number).
// Without angle brackets the whole text is the URI (its ";params" are URI parameters).
// Refuses values that could break a SIP header or XML document (see safe_text.hpp) and
// anything that is not one of those schemes.
Parsed<AddressKey> parse_sip_address(std::string_view text);

// Same, but only accepts results of kind Aor (for a binding's AOR column).
Parsed<std::string> normalise_aor(std::string_view text);

// A phone number in any usual spelling ("+49 (30) 123-456", "tel:+4930123456",
// "sip:+4930123456@host;user=phone") to the Number key value, or an error. A "00" prefix
// is kept as digits, not turned into "+".
Parsed<std::string> normalise_number(std::string_view text);

}  // namespace cusax::address
