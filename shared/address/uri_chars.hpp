#pragma once
// Character classes of the SIP URI grammar (RFC 3261 §25.1) and small ASCII helpers, for the
// address parsers (internal to shared/address). No locale: these are bytes, not characters.
#include <cstddef>
#include <string_view>

namespace cusax::address::chars {

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alphanum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }
constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

constexpr char kHexUpper[] = "0123456789ABCDEF";

constexpr bool is_one_of(char c, std::string_view set) { return set.find(c) != set.npos; }

// unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
constexpr bool is_unreserved(char c) { return is_alphanum(c) || is_one_of(c, "-_.!~*'()"); }
// user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
constexpr bool is_user_char(char c) { return is_unreserved(c) || is_one_of(c, "&=+$,;?/"); }
// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
constexpr bool is_password_char(char c) { return is_unreserved(c) || is_one_of(c, "&=+$,"); }
// paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" /
// ":" / "&" / "+" / "$" (RFC 3966 §3 uses the same set for tel URI parameters)
constexpr bool is_param_char(char c) { return is_unreserved(c) || is_one_of(c, "[]/:&+$"); }
// hname / hvalue = *( hnv-unreserved / unreserved / escaped ); hnv-unreserved = "[" / "]" /
// "/" / "?" / ":" / "+" / "$"; "=" and "&" separate them.
constexpr bool is_header_char(char c) { return is_unreserved(c) || is_one_of(c, "[]/?:+$=&"); }

// escaped = "%" HEXDIG HEXDIG, at text[i].
constexpr bool is_escape_at(std::string_view text, std::size_t i) {
    return i + 2 < text.size() && text[i] == '%' && hex_value(text[i + 1]) >= 0 &&
           hex_value(text[i + 2]) >= 0;
}

constexpr bool starts_with_ci(std::string_view text, std::string_view lower_prefix) {
    if (text.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        if (to_lower(text[i]) != lower_prefix[i]) return false;
    }
    return true;
}

constexpr bool equals_ci(std::string_view text, std::string_view lower) {
    return text.size() == lower.size() && starts_with_ci(text, lower);
}

// Compares text, with its %HEX escapes decoded, to a lower-case literal, ignoring ASCII case
// (RFC 3261 §19.1.4: parameters compare after unescaping, names and these values
// case-insensitively). text must already have passed an escape check.
constexpr bool unescaped_equals_ci(std::string_view text, std::string_view lower) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < text.size(); ++i, ++k) {
        char c = text[i];
        if (is_escape_at(text, i)) {
            c = static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        }
        if (k >= lower.size() || to_lower(c) != lower[k]) return false;
    }
    return k == lower.size();
}

struct Parameter {
    std::string_view name;
    std::string_view value;  // empty when the parameter has no '='
};

// Takes the first ";name=value" off params, which must start with ';' (RFC 3261 §19.1.1
// uri-parameters, RFC 3966 §3 par): the caller loops while params is not empty.
constexpr Parameter take_parameter(std::string_view& params) {
    params.remove_prefix(1);  // the ';'
    const std::size_t end = params.find(';');
    const std::string_view param = params.substr(0, end);
    params = end == std::string_view::npos ? std::string_view{} : params.substr(end);
    const std::size_t equals = param.find('=');
    return {param.substr(0, equals),
            equals == std::string_view::npos ? std::string_view{} : param.substr(equals + 1)};
}

constexpr std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

}  // namespace cusax::address::chars
