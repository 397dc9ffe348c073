#pragma once
// Base64 (RFC 4648 §4) as HTTP Basic credentials (RFC 7617) and SASL payloads (RFC 6120 §6.4.2)
// carry it: the standard alphabet with padding, no line breaks.
#include <optional>
#include <string>
#include <string_view>

namespace cusax::provisioning {

std::string base64_encode(std::string_view bytes);
// nullopt for anything but canonical base64 (a character outside the alphabet, a bad length,
// misplaced padding, white space). Empty text decodes to empty bytes.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace cusax::provisioning
