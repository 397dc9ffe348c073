#pragma once
#include <cstddef>
#include <string_view>

namespace cusax::address {

// Values that end up in a SIP header or an XML document must not be able to break out of it.
constexpr std::size_t kMaxAddressLength = 256;
constexpr std::size_t kMaxDisplayNameLength = 128;

// Returns an empty view when text is safe, else a short reason ("contains CR", ...).
// Refused: CR, LF, NUL, other control characters (C0 including TAB, DEL, C1), '<', '>', '"',
// text over max_length bytes, and bytes that are not well-formed UTF-8 (an XML parser stops
// at them). The reason is a static string.
std::string_view unsafe_reason(std::string_view text, std::size_t max_length = kMaxAddressLength);

// Like unsafe_reason, but lets '<', '>' and '"' through: for text whose markup characters are
// harmless because it is quoted or dropped (a SIP display name), where line breaks, control
// characters and broken UTF-8 still are not.
std::string_view control_reason(std::string_view text, std::size_t max_length);

}  // namespace cusax::address
