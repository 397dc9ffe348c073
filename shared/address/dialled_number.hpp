#pragma once
// The telephone number a SIP, SIPS or tel URI dials (RFC 3966, RFC 3261 §19.1.6): the one
// reading shared by the binding store (numbers on the way in) and the proxy's dial plan.
#include <string>
#include <string_view>

#include "shared/address/address_key.hpp"

namespace cusax::address {

struct DialledNumber {
    // The Number key: a local number in a global context ";phone-context=+1-914-555" is
    // that context's global number (RFC 3966 §5.1.5); in a domain context it stays local.
    std::string number;
    // The digits as dialled: escapes decoded, visual separators removed, every parameter
    // (phone-context too) ignored. An emergency number is recognised by these.
    std::string dialled;
};

// A telephone-subscriber with its parameters ("863-1234;phone-context=+1-914-555",
// "+49%2030%20123;isub=7"): %HEX escapes decoded first (RFC 3261 §19.1.2, RFC 3966 §3),
// then the parameters split off, then the number normalised as normalise_number does.
// On failure the error is a reason starting with "number" (no quoted input).
Parsed<DialledNumber> read_telephone_subscriber(std::string_view text);

// The telephone-subscriber a sip:, sips: or tel: URI carries (a tel: URI's body, a SIP URI's
// user part with or without user=phone), read as above. Fails for other URIs and for user
// parts that are no number ("alice").
Parsed<DialledNumber> dialled_number(std::string_view uri);

// The digits as dialled of such a URI, without applying its phone-context: what an emergency
// check compares, even where the context cannot make a valid global number (RFC 5031: an
// emergency number dialled is an emergency call, whatever its context).
Parsed<std::string> dialled_digits(std::string_view uri);

// Whether the telephone-subscriber or user part of a sip:, sips: or tel: URI starts like a
// number: its first character after unescaping, visual separators skipped, is '+' or a
// digit. A dial string that starts so but which dialled_number cannot read may still be
// routed as a number by a server behind, so it must not be taken for a name.
bool looks_like_a_number(std::string_view uri);

}  // namespace cusax::address
