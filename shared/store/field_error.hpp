#pragma once
// One-line error messages that name a field and its value: `jid "a@b/c": has a resource`.
#include <string>
#include <string_view>

namespace cusax::store {

// The value is quoted with control characters, quotes and backslashes escaped and cut to a
// readable length, so a refused value cannot break the line that reports it.
std::string quote_value(std::string_view value);
std::string field_error(std::string_view field, std::string_view value, std::string_view why);

}  // namespace cusax::store
