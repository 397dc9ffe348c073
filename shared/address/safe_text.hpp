#pragma once
#include <cstddef>
#include <string_view>

namespace cusax::address {

// Values that end up in a SIP header or an XML document must not be able to break out of it.
constexpr std::size_t kMaxAddressLength = 256;
constexpr std::size_t kMaxDisplayNameLength = 128;

// Returns an empty view when text is safe, else a short reason ("contains CR", ...).
// Refused: CR, LF, NUL, other control characters, '<', '>', '"', and text over max_length bytes.
std::string_view unsafe_reason(std::string_view text, std::size_t max_length = kMaxAddressLength);

}  // namespace cusax::address
