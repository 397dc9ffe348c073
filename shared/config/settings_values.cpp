#include "shared/config/settings_values.hpp"

#include <charconv>
#include <system_error>

namespace cusax::config::detail {
namespace {

// A value the loader accepted does not parse: the table and the declaration disagree.
void require(const std::string& reason) {
    if (!reason.empty())
        throw std::logic_error("config: a validated value does not parse: " + reason);
}

}  // namespace

void bad_binding(std::string_view key, std::string_view what) {
    throw std::logic_error("config: key " + std::string(key) + ": " + std::string(what));
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

std::string format_decimal(double value) {
    char buffer[64];
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    if (ec != std::errc{}) throw std::logic_error("config: a decimal default does not format");
    return std::string(buffer, end);
}

double parse_decimal(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
    if (ec != std::errc{} || ptr != end) require("not a decimal number");
    return value;
}

std::int64_t parse_validated_integer(std::string_view text) {
    std::int64_t out = 0;
    require(parse_integer(text, out));
    return out;
}

std::uint64_t parse_validated_size(std::string_view text) {
    std::uint64_t out = 0;
    require(parse_size(text, out));
    return out;
}

bool parse_validated_boolean(std::string_view text) {
    bool out = false;
    require(parse_boolean(text, out));
    return out;
}

std::chrono::milliseconds parse_validated_duration(std::string_view text) {
    std::chrono::milliseconds out{};
    require(parse_duration(text, out));
    return out;
}

KeyDecl declaration(std::string name, KeyType type, std::string help, KeyRules rules) {
    KeyDecl decl;
    decl.name = std::move(name);
    decl.type = type;
    decl.help = std::move(help);
    decl.required = rules.required;
    decl.secret = rules.secret;
    decl.choices = std::move(rules.choices);
    decl.min = rules.min;
    decl.max = rules.max;
    decl.validator = std::move(rules.validator);
    return decl;
}

}  // namespace cusax::config::detail
