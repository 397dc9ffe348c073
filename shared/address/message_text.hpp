#pragma once
// Text for error messages about addresses: one line, never a raw control character, so that
// a hostile value cannot forge a log line or break the header or stanza that reports it.
#include <cstddef>
#include <string>
#include <string_view>

namespace cusax::address {

constexpr std::size_t kMaxQuotedLength = 96;

// Returns text with CR, LF, TAB, NUL and backslash as \r \n \t \0 \\, other control
// characters and bytes that are not well-formed UTF-8 as \xHH, cut after max_bytes of input
// (then "..." is appended). Well-formed non-ASCII UTF-8 is kept as it is.
std::string quote_for_message(std::string_view text, std::size_t max_bytes = kMaxQuotedLength);

// Names one byte for a message: "a space", "'<'", "CR", "a control character (0x07)",
// "a non-ASCII character".
std::string describe_char(char c);

// "<quoted text>: <reason>", the form of every error this area returns.
std::string error_about(std::string_view text, std::string_view reason);

}  // namespace cusax::address
