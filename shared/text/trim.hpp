#pragma once
// XML character data and header values come with surrounding whitespace that never counts.
#include <string_view>

namespace cusax::text {

// `s` without leading and trailing spaces, tabs, CRs and LFs.
inline std::string_view trim_whitespace(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

}  // namespace cusax::text
