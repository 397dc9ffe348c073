#pragma once
// The query of a request target (RFC 3986 §3.4) as name/value pairs, percent-decoded. "+" is
// kept as "+": WebFinger resources are URIs (RFC 7033 §4.1), where "+" is a character of
// its own (a telephone number's), not the space of HTML forms.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cusax::provisioning {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// nullopt when a percent escape is malformed or decodes to a NUL.
std::optional<QueryParams> parse_query(std::string_view query);

}  // namespace cusax::provisioning
