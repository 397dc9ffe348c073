#pragma once
// Checks of the [sip-proxy] values that only the proxy has (proxy_config.cpp). Each returns
// "" or the reason the text is refused, never quoting the text (shared/config/validators.hpp).
#include <string>
#include <string_view>

namespace cusax::sip_proxy::config_values {

// A dialled number or range as the dial plan compares it: an optional '+' then digits.
// "+" alone is a range too (every international number).
std::string number_prefix(std::string_view text);
// Digits, '*' and '#', as dialled.
std::string emergency_number(std::string_view text);
// The text of `Warning: 399 agent "TEXT"` (RFC 3261 §20.43): printable, one line.
std::string warning_text(std::string_view text);
// warn-agent = hostport / pseudonym (RFC 3261 §25.1): a host[:port] or a token.
std::string warning_agent(std::string_view text);

}  // namespace cusax::sip_proxy::config_values
