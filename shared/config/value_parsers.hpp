#pragma once
// The text forms of the typed values: parsing (used by validation and by Config's getters)
// and formatting (used in messages and in the dump). A parse function returns "" and sets
// `out`, or the reason the text is refused; the reason never contains the text itself, so
// that the caller decides whether the value may be echoed (secrets are never echoed).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cusax::config {

std::string parse_integer(std::string_view text, std::int64_t& out);
// true/false, yes/no, on/off, 1/0, in any case.
std::string parse_boolean(std::string_view text, bool& out);
// A whole number and a unit: ms, s, m or h ("250ms", "5s", "2m", "1h"). A bare number is
// refused because "5" could mean seconds or milliseconds.
std::string parse_duration(std::string_view text, std::chrono::milliseconds& out);
// A number of bytes, or a whole number and a binary unit: KiB, MiB or GiB ("64KiB").
// "KB"/"MB" are refused rather than guessed (1000 or 1024?).
std::string parse_size(std::string_view text, std::uint64_t& out);

// Comma-separated items, each trimmed. "" is the empty list; an empty item ("a,,b", "a,")
// is kept as "" so that validation can refuse it.
std::vector<std::string> split_list(std::string_view text);

// The largest unit that is exact: 1000ms -> "1s", 90000ms -> "90s", 0 -> "0s".
std::string format_duration(std::chrono::milliseconds value);
// 65536 -> "64KiB", 1000 -> "1000".
std::string format_size(std::uint64_t bytes);

std::string_view trim(std::string_view text);
// "text" in double quotes, with quotes, backslashes and control characters escaped, so a
// value quoted in an error message cannot forge a line of its own.
std::string quote(std::string_view text);

}  // namespace cusax::config
