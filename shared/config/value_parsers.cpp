#include "shared/config/value_parsers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "shared/text/ascii_case.hpp"

namespace cusax::config {
namespace {

using text::iequals;

// Leading decimal digits of `text` as an unsigned number; `rest` is what follows.
bool leading_number(std::string_view text, std::uint64_t& number, std::string_view& rest) {
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{}) return false;
    rest = text.substr(static_cast<std::size_t>(end - text.data()));
    return true;
}

struct Unit {
    std::string_view name;
    std::uint64_t factor;
};

}  // namespace

std::string_view trim(std::string_view text) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string quote(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

std::string parse_integer(std::string_view text, std::int64_t& out) {
    std::int64_t value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (!text.empty() && text.front() == '+') ++first;  // from_chars refuses '+'
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range) return "integer out of range";
    if (text.empty() || ec != std::errc{} || end != last) return "expected an integer";
    out = value;
    return "";
}

std::string parse_boolean(std::string_view text, bool& out) {
    for (const auto word : {"true", "yes", "on", "1"}) {
        if (iequals(text, word)) {
            out = true;
            return "";
        }
    }
    for (const auto word : {"false", "no", "off", "0"}) {
        if (iequals(text, word)) {
            out = false;
            return "";
        }
    }
    return "expected true/false, yes/no, on/off or 1/0";
}

std::string parse_duration(std::string_view text, std::chrono::milliseconds& out) {
    static constexpr std::array<Unit, 4> units{
        {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
    std::uint64_t number = 0;
    std::string_view unit;
    if (!leading_number(text, number, unit)) {
        return "expected a duration: a whole number and a unit, ms, s, m or h (e.g. 5s)";
    }
    if (unit.empty()) return "a duration needs a unit: ms, s, m or h (e.g. 5s or 250ms)";
    for (const auto& u : units) {
        if (unit == u.name) {
            constexpr auto limit = static_cast<std::uint64_t>(
                std::numeric_limits<std::chrono::milliseconds::rep>::max());
            if (number > limit / u.factor) return "duration too large";
            out = std::chrono::milliseconds(
                static_cast<std::chrono::milliseconds::rep>(number * u.factor));
            return "";
        }
    }
    return "unknown duration unit (use ms, s, m or h, e.g. 5s or 250ms)";
}

std::string parse_size(std::string_view text, std::uint64_t& out) {
    static constexpr std::array<Unit, 4> units{
        {{"", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}}};
    std::uint64_t number = 0;
    std::string_view unit;
    if (!leading_number(text, number, unit)) {
        return "expected a size: a number of bytes, or a whole number and KiB, MiB or GiB "
               "(e.g. 64KiB)";
    }
    for (const auto& u : units) {
        if (iequals(unit, u.name)) {
            if (number > std::numeric_limits<std::uint64_t>::max() / u.factor) {
                return "size too large";
            }
            out = number * u.factor;
            return "";
        }
    }
    return "unknown size unit (use KiB, MiB or GiB, or a plain number of bytes)";
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    if (trim(text).empty()) return items;
    while (true) {
        const auto comma = text.find(',');
        items.emplace_back(trim(text.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

std::string format_duration(std::chrono::milliseconds value) {
    const auto ms = value.count();
    if (ms == 0) return "0s";
    if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
    if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::string format_size(std::uint64_t bytes) {
    if (bytes != 0 && bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + "GiB";
    if (bytes != 0 && bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
    if (bytes != 0 && bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + "KiB";
    return std::to_string(bytes);
}

}  // namespace cusax::config
