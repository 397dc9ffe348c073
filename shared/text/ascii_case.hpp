#pragma once
// ASCII case folding for protocol tokens (SIP methods, header and parameter names, URI
// schemes, INI names, file extensions). Locale-independent on purpose: std::tolower on a
// char is undefined for negative values and depends on the C locale, and none of these
// tokens is ever anything but ASCII.
#include <algorithm>
#include <string>
#include <string_view>

namespace cusax::text {

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = ascii_lower(c);
    return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace cusax::text
