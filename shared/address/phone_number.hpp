#pragma once
// Phone numbers as look-up keys (RFC 3966), internal to shared/address.
#include <string>
#include <string_view>

#include "shared/address/address_key.hpp"
#include "shared/address/uri_chars.hpp"

namespace cusax::address {

// RFC 3966 §5.1.1 visual-separator, and the space people write (RFC 3966 §5.1.1 leaves it
// out of URIs, but "+49 30 123" is the usual spelling and %20 decodes to it).
constexpr bool is_visual_separator(char c) { return chars::is_one_of(c, "-.() "); }

// Normalises a telephone-subscriber without its parameters ("+1-212-555-0100",
// "+49 (30) 123-456", "*31%23") to a Number key value: visual separators "-" "." "(" ")" and
// space removed; then either "+" and 1 to 15 digits (E.164 global number) or local digits,
// where "*" and "#" are allowed for service codes. "00" prefixes are kept as digits: which
// prefix dials out is the dial plan's business, not this parser's. Escapes must already be
// decoded (dialled_number.hpp does that for URIs). On failure the error is a reason starting
// with "number" (no quoted input).
Parsed<std::string> normalise_subscriber(std::string_view text);

}  // namespace cusax::address
